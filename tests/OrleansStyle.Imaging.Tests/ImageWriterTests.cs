using OrleansStyle.Imaging.Quality;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests;

public sealed class ImageWriterTests
{
    private readonly SafeImageReader reader = new();

    [Theory]
    [InlineData(OutputFormat.Png, ImageFileFormat.Png)]
    [InlineData(OutputFormat.WebpLossless, ImageFileFormat.Webp)]
    public void Lossless_formats_round_trip_exactly(OutputFormat format, ImageFileFormat expected)
    {
        using var pattern = CraftedImages.Pattern(48, 32);

        var bytes = ImageWriter.Encode(pattern, format);
        using var decoded = reader.ReadRgb(bytes);

        Assert.Equal(expected, reader.Inspect(bytes).Format);
        Assert.Equal(pattern.ToPlanar().Data, decoded.ToPlanar().Data);
    }

    [Theory]
    [InlineData(OutputFormat.Jpeg, ImageFileFormat.Jpeg)]
    [InlineData(OutputFormat.WebpLossy, ImageFileFormat.Webp)]
    public void Lossy_formats_stay_close_and_quality_matters(OutputFormat format, ImageFileFormat expected)
    {
        var photo = TestPhotos.YellowFlower256;
        using var image = photo.ToRgb24();

        var high = ImageWriter.Encode(image, format, quality: 95);
        var low = ImageWriter.Encode(image, format, quality: 20);
        using var decoded = reader.ReadRgb(high);

        Assert.Equal(expected, reader.Inspect(high).Format);
        Assert.True(low.Length < high.Length);
        Assert.True(StylisationQuality.Psnr(photo, decoded.ToPlanar()) > 30);
    }

    [Fact]
    public void Grey_images_encode_too()
    {
        var mask = new PlanarImage(20, 10, 1);
        mask.Data.AsSpan(0, 100).Fill(1f);
        using var grey = mask.ToL8();

        using var decoded = reader.ReadGrey(ImageWriter.Encode(grey));

        Assert.Equal(mask.Data, decoded.ToPlanar().Data);
    }

    [Theory]
    [InlineData("out.png", OutputFormat.Png)]
    [InlineData("OUT.JPG", OutputFormat.Jpeg)]
    [InlineData("a/b.jpeg", OutputFormat.Jpeg)]
    [InlineData("x.webp", OutputFormat.WebpLossless)]
    public void Format_follows_the_extension(string path, OutputFormat expected) =>
        Assert.Equal(expected, ImageWriter.FormatForPath(path));

    [Fact]
    public void Unknown_extension_is_refused_with_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => ImageWriter.FormatForPath("render.bmp"));

        Assert.Contains(".png, .jpg, .jpeg or .webp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_files_chosen_by_extension()
    {
        using var pattern = CraftedImages.Pattern(24, 24);
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            var png = Path.Combine(directory.FullName, "render.png");
            var webp = Path.Combine(directory.FullName, "render.webp");
            ImageWriter.Write(pattern, png);
            await ImageWriter.WriteAsync(pattern, webp);

            Assert.Equal(ImageFileFormat.Png, reader.Inspect(await File.ReadAllBytesAsync(png)).Format);
            Assert.Equal(ImageFileFormat.Webp, reader.Inspect(await File.ReadAllBytesAsync(webp)).Format);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Quality_outside_1_to_100_is_refused()
    {
        using var pattern = CraftedImages.Pattern(4, 4);

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageWriter.Encode(pattern, OutputFormat.Jpeg, quality: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageWriter.Encode(pattern, OutputFormat.Jpeg, quality: 101));
    }

    [Fact]
    public void Extensions_and_media_types()
    {
        Assert.Equal(".webp", ImageWriter.FileExtension(OutputFormat.WebpLossy));
        Assert.Equal("image/jpeg", ImageWriter.MediaType(OutputFormat.Jpeg));
        Assert.Equal(OutputFormat.Png, ImageWriter.FormatForPath("x" + ImageWriter.FileExtension(OutputFormat.Png)));
    }

    [Fact]
    public void Image_made_by_conversion_uses_the_restricted_configuration()
    {
        using var image = new PlanarImage(2, 2, 3).ToRgb24();

        Assert.Same(RestrictedImageConfiguration.Instance, image.GetConfiguration());
        Assert.IsType<Image<Rgb24>>(image);
    }
}
