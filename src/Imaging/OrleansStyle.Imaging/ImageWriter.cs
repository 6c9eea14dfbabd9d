using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;

namespace OrleansStyle.Imaging;

/// <summary>Encodes renders as PNG, JPEG or WebP. <c>quality</c> (1–100) only affects JPEG and lossy WebP.</summary>
public static class ImageWriter
{
    public const int DefaultQuality = 90;

    public static void Write(Image image, Stream destination, OutputFormat format = OutputFormat.Png, int quality = DefaultQuality)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        image.Save(destination, CreateEncoder(format, quality));
    }

    public static Task WriteAsync(
        Image image,
        Stream destination,
        OutputFormat format = OutputFormat.Png,
        int quality = DefaultQuality,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        return image.SaveAsync(destination, CreateEncoder(format, quality), cancellationToken);
    }

    /// <summary>Chooses the format from the extension (see <see cref="FormatForPath"/>).</summary>
    public static void Write(Image image, string path, int quality = DefaultQuality)
    {
        ArgumentNullException.ThrowIfNull(image);
        var format = FormatForPath(path);
        using var file = File.Create(path);
        Write(image, file, format, quality);
    }

    public static async Task WriteAsync(Image image, string path, int quality = DefaultQuality, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var format = FormatForPath(path);
        var file = File.Create(path);
        await using (file.ConfigureAwait(false))
        {
            await WriteAsync(image, file, format, quality, cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Encode(Image image, OutputFormat format = OutputFormat.Png, int quality = DefaultQuality)
    {
        using var buffer = new MemoryStream();
        Write(image, buffer, format, quality);
        return buffer.ToArray();
    }

    /// <summary>.png, .jpg/.jpeg, and .webp, which is written lossless because renders are usually post-processed.</summary>
    public static OutputFormat FormatForPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var extension = Path.GetExtension(path);
        return extension.ToUpperInvariant() switch
        {
            ".PNG" => OutputFormat.Png,
            ".JPG" or ".JPEG" => OutputFormat.Jpeg,
            ".WEBP" => OutputFormat.WebpLossless,
            _ => throw new ArgumentException(
                $"Cannot choose an image format for '{path}': use a .png, .jpg, .jpeg or .webp extension.", nameof(path)),
        };
    }

    public static string FileExtension(OutputFormat format) => format switch
    {
        OutputFormat.Png => ".png",
        OutputFormat.Jpeg => ".jpg",
        OutputFormat.WebpLossless or OutputFormat.WebpLossy => ".webp",
        _ => throw UnknownFormat(format),
    };

    public static string MediaType(OutputFormat format) => format switch
    {
        OutputFormat.Png => "image/png",
        OutputFormat.Jpeg => "image/jpeg",
        OutputFormat.WebpLossless or OutputFormat.WebpLossy => "image/webp",
        _ => throw UnknownFormat(format),
    };

    private static IImageEncoder CreateEncoder(OutputFormat format, int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return format switch
        {
            OutputFormat.Png => new PngEncoder { IgnoreMetadata = true },
            OutputFormat.Jpeg => new JpegEncoder { Quality = quality },
            OutputFormat.WebpLossless => new WebpEncoder { FileFormat = WebpFileFormatType.Lossless },
            OutputFormat.WebpLossy => new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = quality },
            _ => throw UnknownFormat(format),
        };
    }

    private static ArgumentOutOfRangeException UnknownFormat(OutputFormat format) =>
        new(nameof(format), format, "Unknown output format.");
}
