using OrleansStyle.Tests.Shared;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests;

public sealed class SafeImageReaderTests
{
    private readonly SafeImageReader reader = new();

    /// <summary>Every image of samples/ and, where it is present, of the optional ../shared/images, as "samples/…" or "shared/…".</summary>
    public static TheoryData<string> ImagePaths()
    {
        var data = new TheoryData<string>();
        foreach (var (label, root) in ImageRoots())
        {
            foreach (var folder in new[] { "content", "style", "mask" })
            {
                foreach (var path in Directory.EnumerateFiles(Path.Combine(root, folder)).Order())
                {
                    data.Add(label + "/" + Path.GetRelativePath(root, path));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ImagePaths))]
    public void Every_sample_and_shared_image_passes_the_checks_and_decodes(string labelledPath)
    {
        var label = labelledPath[..labelledPath.IndexOf('/', StringComparison.Ordinal)];
        var root = ImageRoots().Single(r => r.Label == label).Root;
        var bytes = File.ReadAllBytes(Path.Combine(root, labelledPath[(label.Length + 1)..]));

        var header = reader.Inspect(bytes);
        using var image = reader.ReadRgb(bytes);

        Assert.Equal(header.Width, image.Width);
        Assert.Equal(header.Height, image.Height);
        Assert.Equal(Path.GetExtension(labelledPath) == ".png" ? ImageFileFormat.Png : ImageFileFormat.Jpeg, header.Format);
    }

    [Fact]
    public void Png_claiming_50000_by_50000_is_refused_from_its_header_without_allocating_pixels()
    {
        var png = CraftedImages.PngHeaderClaiming(50_000, 50_000);
        reader.Inspect(CraftedImages.PngHeaderClaiming(4, 4)); // warm up JIT and ImageSharp's statics first

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(png));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.Equal(ImageRejectionReason.TooManyPixels, rejection.Reason);
        Assert.Contains("50000×50000 = 2500 MP", rejection.Message, StringComparison.Ordinal);
        Assert.Contains("268 MP budget", rejection.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1_000_000, $"Allocated {allocated} bytes refusing a header.");
    }

    [Theory]
    [InlineData(1u, 60_000_000u)]
    [InlineData(70_000u, 2u)]
    [InlineData(0u, 5u)]
    [InlineData(5u, 0u)]
    [InlineData(0x8000_0000u, 1u)] // ImageSharp reads this as a negative width
    public void Png_with_impossible_dimensions_is_refused(uint width, uint height)
    {
        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(CraftedImages.PngHeaderClaiming(width, height)));

        Assert.Equal(ImageRejectionReason.InvalidDimensions, rejection.Reason);
        Assert.Contains("65535", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pixel_budget_and_dimension_limit_are_configurable()
    {
        var strict = new SafeImageReader(new ImageLimits { MaxPixels = 100, MaxDimension = 50 });
        using var small = CraftedImages.Pattern(10, 10);
        using var wide = CraftedImages.Pattern(60, 1);
        using var big = CraftedImages.Pattern(11, 10);

        using var accepted = strict.ReadRgb(CraftedImages.Encode(small, new PngEncoder()));
        var tooWide = Assert.Throws<ImageRejectedException>(() => strict.ReadRgb(CraftedImages.Encode(wide, new PngEncoder())));
        var tooMany = Assert.Throws<ImageRejectedException>(() => strict.ReadRgb(CraftedImages.Encode(big, new PngEncoder())));

        Assert.Equal(ImageRejectionReason.InvalidDimensions, tooWide.Reason);
        Assert.Equal(ImageRejectionReason.TooManyPixels, tooMany.Reason);
        Assert.Contains("MaxPixels = 100", tooMany.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.02)]
    public void Truncated_jpeg_is_refused(double keptFraction)
    {
        var jpeg = File.ReadAllBytes(SampleImages.Content("dune"));
        var truncated = jpeg.AsSpan(0, (int)(jpeg.Length * keptFraction)).ToArray();

        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(truncated));

        Assert.Equal(ImageRejectionReason.Truncated, rejection.Reason);
        Assert.Contains("FFD9", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jpeg_cut_inside_its_headers_is_refused_as_truncated()
    {
        var jpeg = File.ReadAllBytes(SampleImages.Content("dune"));

        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(jpeg.AsSpan(0, 100).ToArray()));

        Assert.Equal(ImageRejectionReason.Truncated, rejection.Reason);
    }

    [Fact]
    public void Jpeg_with_bytes_after_its_end_marker_is_accepted()
    {
        var jpeg = File.ReadAllBytes(SampleImages.Content("raindrops"));
        var padded = jpeg.Concat(new byte[64]).ToArray();

        using var image = reader.ReadRgb(padded);

        Assert.Equal(1024, image.Width);
    }

    [Fact]
    public void Progressive_jpeg_is_accepted()
    {
        var path = SampleImages.Content("garden");
        Assert.True(File.ReadAllBytes(path).AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xC2]) > 0, "garden.jpg should be progressive (an SOF2 marker)");

        using var image = reader.ReadRgb(path);

        Assert.Equal(640, image.Height);
    }

    [Fact]
    public void Png_cut_short_or_missing_its_end_chunk_is_refused_as_truncated()
    {
        using var pattern = CraftedImages.Pattern(64, 64);
        var png = CraftedImages.Encode(pattern, new PngEncoder());

        var cut = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(png.AsSpan(0, png.Length / 2).ToArray()));
        var noEnd = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(png.AsSpan(0, png.Length - 12).ToArray()));
        var signatureOnly = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(png.AsSpan(0, 8).ToArray()));

        Assert.Equal(ImageRejectionReason.Truncated, cut.Reason);
        Assert.Equal(ImageRejectionReason.Truncated, noEnd.Reason);
        Assert.Contains("IEND", noEnd.Message, StringComparison.Ordinal);
        Assert.Equal(ImageRejectionReason.Truncated, signatureOnly.Reason);
    }

    [Theory]
    [InlineData(WebpFileFormatType.Lossy)]
    [InlineData(WebpFileFormatType.Lossless)]
    public void Truncated_webp_is_refused(WebpFileFormatType kind)
    {
        using var pattern = CraftedImages.Pattern(48, 48);
        var webp = CraftedImages.Encode(pattern, new WebpEncoder { FileFormat = kind });

        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(webp.AsSpan(0, webp.Length / 2).ToArray()));

        Assert.Equal(ImageRejectionReason.Truncated, rejection.Reason);
        Assert.Contains("RIFF", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_png_image_data_is_refused()
    {
        using var pattern = CraftedImages.Pattern(64, 64);
        var png = CraftedImages.Encode(pattern, new PngEncoder());
        var (offset, length) = CraftedImages.FindPngChunk(png, "IDAT");
        var damaged = (byte[])png.Clone();
        for (var i = offset + 8 + (length / 4); i < offset + 8 + (length / 2); i++)
        {
            damaged[i] ^= 0x5A;
        }

        var withBadCrc = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(damaged));
        CraftedImages.FixPngCrc(damaged, offset, length);
        var withGoodCrc = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(damaged));

        Assert.Equal(ImageRejectionReason.Corrupt, withBadCrc.Reason);
        Assert.Equal(ImageRejectionReason.Corrupt, withGoodCrc.Reason);
        Assert.NotNull(withGoodCrc.InnerException);
    }

    [Fact]
    public void Bmp_tiff_and_gif_are_refused_by_name()
    {
        using var pattern = CraftedImages.Pattern(16, 16);
        var encoded = new (string Name, byte[] Bytes)[]
        {
            ("BMP", CraftedImages.Encode(pattern, new BmpEncoder())),
            ("TIFF", CraftedImages.Encode(pattern, new TiffEncoder())),
            ("GIF", CraftedImages.Encode(pattern, new GifEncoder())),
        };

        foreach (var (name, bytes) in encoded)
        {
            var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(bytes));
            Assert.Equal(ImageRejectionReason.UnsupportedFormat, rejection.Reason);
            Assert.Contains($"a {name} file", rejection.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Random_bytes_are_an_unsupported_format()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var rejection = Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(garbage));

        Assert.Equal(ImageRejectionReason.UnsupportedFormat, rejection.Reason);
        Assert.Contains("only PNG, JPEG and WebP", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_input_is_refused_from_bytes_streams_and_files()
    {
        var path = Path.GetTempFileName();
        try
        {
            Assert.Equal(ImageRejectionReason.Empty, Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(Array.Empty<byte>())).Reason);
            Assert.Equal(ImageRejectionReason.Empty, Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(new MemoryStream())).Reason);
            Assert.Equal(ImageRejectionReason.Empty, Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(new ForwardOnlyStream([]))).Reason);
            Assert.Equal(ImageRejectionReason.Empty, Assert.Throws<ImageRejectedException>(() => reader.ReadRgb(path)).Reason);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Input_over_the_byte_limit_is_refused_before_it_is_read()
    {
        var strict = new SafeImageReader(new ImageLimits { MaxBytes = 1000 });
        var jpegPath = SampleImages.Content("raindrops");
        var jpeg = File.ReadAllBytes(jpegPath);

        var fromBytes = Assert.Throws<ImageRejectedException>(() => strict.ReadRgb(jpeg));
        var fromFile = Assert.Throws<ImageRejectedException>(() => strict.ReadRgb(jpegPath));
        var fromStream = Assert.Throws<ImageRejectedException>(() => strict.ReadRgb(new ForwardOnlyStream(jpeg)));

        Assert.All([fromBytes, fromFile, fromStream], rejection => Assert.Equal(ImageRejectionReason.TooLarge, rejection.Reason));
        Assert.Contains("MaxBytes = 1000", fromBytes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-image-" + Guid.NewGuid() + ".png");

        var missing = Assert.Throws<FileNotFoundException>(() => reader.ReadRgb(path));

        Assert.Contains(path, missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streams_with_and_without_length_decode_the_same_pixels()
    {
        using var pattern = CraftedImages.Pattern(40, 30);
        var png = CraftedImages.Encode(pattern, new PngEncoder());

        using var fromBytes = reader.ReadRgb(png);
        using var fromSeekable = reader.ReadRgb(new MemoryStream(png));
        using var fromForwardOnly = reader.ReadRgb(new ForwardOnlyStream(png, maxChunk: 7));
        using var fromAsync = await reader.ReadRgbAsync(new ForwardOnlyStream(png));

        var expected = fromBytes.ToPlanar().Data;
        Assert.Equal(expected, fromSeekable.ToPlanar().Data);
        Assert.Equal(expected, fromForwardOnly.ToPlanar().Data);
        Assert.Equal(expected, fromAsync.ToPlanar().Data);
        Assert.Equal(expected, pattern.ToPlanar().Data);
    }

    [Fact]
    public void Mask_decodes_as_grey()
    {
        using var mask = reader.ReadGrey(SampleImages.Mask("yellow_flower"));
        var planar = mask.ToPlanar();

        Assert.Equal((1024, 640, 1), (planar.Width, planar.Height, planar.Channels));
        Assert.Contains(planar.Data, value => value > 0.99f);
        Assert.Contains(planar.Data, value => value < 0.01f);
    }

    [Fact]
    public void Webp_round_trips_through_the_reader()
    {
        using var pattern = CraftedImages.Pattern(33, 17);
        var webp = CraftedImages.Encode(pattern, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });

        var header = reader.Inspect(webp);
        using var decoded = reader.ReadRgb(webp);

        Assert.Equal(new ImageHeader(ImageFileFormat.Webp, 33, 17), header);
        Assert.Equal(pattern.ToPlanar().Data, decoded.ToPlanar().Data);
    }

    [Fact]
    public void Exif_is_not_carried_into_the_decoded_image()
    {
        // storm.jpg keeps its camera's EXIF block for this test (samples/make.sh); ICC and XMP are dropped by the same
        // decoder switch.
        var path = SampleImages.Content("storm");
        Assert.True(File.ReadAllBytes(path).AsSpan().IndexOf("Exif\0\0"u8) > 0, "storm.jpg should carry an EXIF block");

        using var image = reader.ReadRgb(path);

        Assert.Null(image.Metadata.ExifProfile);
        Assert.Null(image.Metadata.IccProfile);
    }

    [Fact]
    public void Invalid_limits_are_refused_with_advice()
    {
        var invalid = Assert.Throws<ArgumentException>(() => new SafeImageReader(new ImageLimits { MaxPixels = 0 }));

        Assert.Contains("MaxPixels is 0; set it to a positive pixel count", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoded_jpeg_with_default_configuration_decodes()
    {
        using var pattern = CraftedImages.Pattern(50, 40);
        using var decoded = reader.ReadRgb(CraftedImages.Encode(pattern, new JpegEncoder { Quality = 95 }));

        Assert.Equal((50, 40), (decoded.Width, decoded.Height));
        Assert.IsType<Image<Rgb24>>(decoded);
    }

    private static IEnumerable<(string Label, string Root)> ImageRoots()
    {
        yield return ("samples", SampleImages.Directory);
        if (SharedImages.Directory is { } shared)
        {
            yield return ("shared", shared);
        }
    }
}
