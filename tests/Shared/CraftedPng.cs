using System.Buffers.Binary;
using System.Text;

namespace OrleansStyle.Tests.Shared;

/// <summary>PNG files built chunk by chunk in memory (valid CRCs), for decoders' bad-input tests without binary fixtures.</summary>
public static class CraftedPng
{
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>An RGB PNG whose IHDR claims <paramref name="width"/>×<paramref name="height"/>, with <paramref name="idat"/> as its only data.</summary>
    public static byte[] Claiming(uint width, uint height, ReadOnlySpan<byte> idat)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A header claiming any size, followed by a tiny valid zlib stream: a decompression bomb's shape.</summary>
    public static byte[] Claiming(uint width, uint height) => Claiming(width, height, [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);

    public static void WriteChunk(Stream destination, string type, ReadOnlySpan<byte> payload)
    {
        var chunk = new byte[12 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)payload.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        payload.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + payload.Length), Crc(chunk.AsSpan(4, 4 + payload.Length)));
        destination.Write(chunk);
    }

    /// <summary>PNG's CRC is the same CRC-32 as zlib and Ethernet.</summary>
    public static uint Crc(ReadOnlySpan<byte> typeAndPayload)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var value in typeAndPayload)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? 0xEDB8_8320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
