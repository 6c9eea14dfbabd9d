using System.Buffers.Binary;
using System.Text;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Imaging.Tests.Tiling;

public sealed class PngStreamWriterTests
{
    private readonly SafeImageReader reader = new();

    [Theory]
    [InlineData("", 0x0000_0000u)]
    [InlineData("123456789", 0xCBF4_3926u)]
    [InlineData("IEND", 0xAE42_6082u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414F_A339u)]
    public void Crc32_matches_the_published_check_values(string text, uint expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);

        Assert.Equal(expected, PngCrc32.Compute(bytes));
        Assert.Equal(expected, PngCrc32.Update(PngCrc32.Compute(bytes.AsSpan(0, bytes.Length / 3)), bytes.AsSpan(bytes.Length / 3)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Every_filter_type_round_trips_exactly(int filter)
    {
        // 67 px rows are 201 bytes: whole vectors plus a scalar tail, for both noise and smooth content.
        var pixels = Pixels(67, 41, seed: filter);

        var png = Encode(67, 41, pixels, filter);

        using var decoded = reader.ReadRgb(png);
        Assert.Equal(pixels, MosaicTestImages.Interleaved(decoded));
    }

    [Fact]
    public void Adaptive_filtering_round_trips_and_beats_no_filtering_on_smooth_images()
    {
        var pixels = Pixels(300, 200, seed: 3, noise: 2);

        var adaptive = Encode(300, 200, pixels);
        var unfiltered = Encode(300, 200, pixels, forcedFilter: 0);

        using var decoded = reader.ReadRgb(adaptive);
        Assert.Equal(pixels, MosaicTestImages.Interleaved(decoded));
        Assert.True(adaptive.Length < unfiltered.Length * 0.8, $"adaptive {adaptive.Length} bytes, unfiltered {unfiltered.Length} bytes");
    }

    [Fact]
    public void Large_images_are_split_into_several_idat_chunks_with_valid_crcs()
    {
        var pixels = Pixels(300, 300, seed: 4, noise: 255);

        var png = Encode(300, 300, pixels);

        var chunks = Chunks(png);
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        var data = chunks.Where(chunk => chunk.Type == "IDAT").ToArray();
        Assert.True(data.Length >= 2, $"{data.Length} IDAT chunks");
        Assert.All(data[..^1], chunk => Assert.Equal(PngStreamWriter.DataChunkSize, chunk.Length));
        Assert.All(chunks, chunk => Assert.True(chunk.CrcMatches, $"{chunk.Type} CRC"));
        using var decoded = reader.ReadRgb(png);
        Assert.Equal(pixels, MosaicTestImages.Interleaved(decoded));
    }

    [Fact]
    public void A_png_abandoned_before_complete_is_rejected_as_truncated()
    {
        using var destination = new MemoryStream();
        using (var writer = new PngStreamWriter(destination, 10, 4))
        {
            writer.WriteRow(new byte[30]);
            var error = Assert.Throws<InvalidOperationException>(writer.Complete);
            Assert.Contains("1 of the PNG's 4 rows", error.Message, StringComparison.Ordinal);
        }

        var rejected = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(destination.ToArray()));
        Assert.Equal(ImageRejectionReason.Truncated, rejected.Reason);
    }

    [Fact]
    public void Rows_of_the_wrong_length_or_beyond_the_height_are_refused()
    {
        using var destination = new MemoryStream();
        using var writer = new PngStreamWriter(destination, 10, 1);

        Assert.Throws<ArgumentException>(() => writer.WriteRow(new byte[29]));
        writer.WriteRow(new byte[30]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteRow(new byte[30]));
        writer.Complete();
        using var decoded = reader.ReadRgb(destination.ToArray());
        Assert.Equal((10, 1), (decoded.Width, decoded.Height));
    }

    private static byte[] Encode(int width, int height, byte[] pixels, int? forcedFilter = null)
    {
        using var destination = new MemoryStream();
        using (var writer = new PngStreamWriter(destination, width, height) { ForcedFilter = forcedFilter })
        {
            for (var y = 0; y < height; y++)
            {
                writer.WriteRow(pixels.AsSpan(y * width * 3, width * 3));
            }

            writer.Complete();
        }

        return destination.ToArray();
    }

    /// <summary>Diagonal gradients plus uniform noise of the given amplitude.</summary>
    private static byte[] Pixels(int width, int height, int seed, int noise = 24)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var pixel = ((y * width) + x) * 3;
                pixels[pixel] = (byte)((x * 255 / width) + random.Next(noise + 1));
                pixels[pixel + 1] = (byte)((y * 255 / height) + random.Next(noise + 1));
                pixels[pixel + 2] = (byte)(((x + y) * 2) + random.Next(noise + 1));
            }
        }

        return pixels;
    }

    private static List<(string Type, int Length, bool CrcMatches)> Chunks(byte[] png)
    {
        var chunks = new List<(string, int, bool)>();
        var position = 8;
        while (position < png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            var type = Encoding.ASCII.GetString(png, position + 4, 4);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position + 8 + length));
            chunks.Add((type, length, crc == PngCrc32.Compute(png.AsSpan(position + 4, 4 + length))));
            position += 12 + length;
        }

        return chunks;
    }
}
