using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;

namespace OrleansStyle.Imaging;

/// <summary>
/// An ImageSharp configuration that knows only PNG, JPEG and WebP, and never parses EXIF, ICC or XMP:
/// ImageSharp 2.1.13 has unfixed advisories in its TIFF, BMP and GIF decoders and its metadata readers.
/// Use it (never <see cref="Configuration.Default"/>) for anything that decodes bytes from outside.
/// </summary>
public static class RestrictedImageConfiguration
{
    public static Configuration Instance { get; } = Create();

    private static Configuration Create()
    {
        var configuration = new Configuration(
            new PngConfigurationModule(),
            new JpegConfigurationModule(),
            new WebpConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        return configuration;
    }
}
