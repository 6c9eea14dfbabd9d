using System.Buffers.Binary;
using System.Text;
using OrleansStyle.Tests.Shared;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests;

/// <summary>Bad and unusual inputs built in memory, so no binary fixtures live in the repository.</summary>
internal static class CraftedImages
{
    /// <summary>A PNG whose IHDR claims any size (valid CRCs) followed by a tiny, valid zlib stream and IEND.</summary>
    public static byte[] PngHeaderClaiming(uint width, uint height) => CraftedPng.Claiming(width, height);

    /// <summary>Offset and length of the first chunk of <paramref name="type"/> (offset points at its length field).</summary>
    public static (int Offset, int Length) FindPngChunk(byte[] png, string type)
    {
        var position = CraftedPng.Signature.Length;
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
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(chunkOffset + 8 + length), CraftedPng.Crc(png.AsSpan(chunkOffset + 4, 4 + length)));

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
}
