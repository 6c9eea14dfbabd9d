using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests;

/// <summary>Bad and unusual inputs built in memory, so no binary fixtures live in the repository.</summary>
internal static class CraftedImages
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A PNG whose IHDR claims any size (valid CRCs) followed by a tiny, valid zlib stream and IEND.</summary>
    public static byte[] PngHeaderClaiming(uint width, uint height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;

        using var png = new MemoryStream();
        png.Write(PngSignature);
        WritePngChunk(png, "IHDR", header);
        WritePngChunk(png, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        WritePngChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static void WritePngChunk(Stream destination, string type, ReadOnlySpan<byte> payload)
    {
        var chunk = new byte[12 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)payload.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        payload.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + payload.Length), PngCrc(chunk.AsSpan(4, 4 + payload.Length)));
        destination.Write(chunk);
    }

    /// <summary>Offset and length of the first chunk of <paramref name="type"/> (offset points at its length field).</summary>
    public static (int Offset, int Length) FindPngChunk(byte[] png, string type)
    {
        var position = PngSignature.Length;
        while (position + 8 <= png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            if (Encoding.ASCII.GetString(png, position + 4, 4) == type)
            {
                return (position, length);
            }

            position += 12 + length;
        }

        throw new InvalidOperationException($"No {type} chunk.");
    }

    public static void FixPngCrc(byte[] png, int chunkOffset, int length) =>
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(chunkOffset + 8 + length), PngCrc(png.AsSpan(chunkOffset + 4, 4 + length)));

    /// <summary>A noisy gradient, so encoders produce non-trivial data.</summary>
    public static Image<Rgb24> Pattern(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24(
                        (byte)((x * 255 / Math.Max(1, width - 1)) ^ random.Next(32)),
                        (byte)((y * 255 / Math.Max(1, height - 1)) ^ random.Next(32)),
                        (byte)random.Next(256));
                }
            }
        });
        return image;
    }

    /// <summary>Encodes with ImageSharp's default configuration, which still has every encoder.</summary>
    public static byte[] Encode(Image image, IImageEncoder encoder)
    {
        using var buffer = new MemoryStream();
        image.Save(buffer, encoder);
        return buffer.ToArray();
    }

    private static uint PngCrc(ReadOnlySpan<byte> typeAndPayload)
    {
        // PNG's CRC is the same CRC-32 as zlib and Ethernet.
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
