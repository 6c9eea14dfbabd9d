using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging;

/// <summary>
/// Decodes untrusted PNG, JPEG and WebP files. Every check that can refuse a file (size, format, dimensions,
/// pixel budget, truncation) runs on the encoded bytes and headers before ImageSharp allocates a pixel.
/// Thread-safe; one instance can serve every request.
/// </summary>
public sealed class SafeImageReader
{
    private const int StreamCopyBufferSize = 81_920;

    public SafeImageReader()
        : this(ImageLimits.Default)
    {
    }

    public SafeImageReader(ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.ThrowIfInvalid();
        Limits = limits;
    }

    public ImageLimits Limits { get; }

    /// <summary>Runs every check short of decoding the pixels.</summary>
    public ImageHeader Inspect(ReadOnlyMemory<byte> data)
    {
        RejectBySize(data.Length);

        IImageInfo? info;
        IImageFormat? detected;
        using (var stream = OpenRead(data))
        {
            try
            {
                info = Image.Identify(RestrictedImageConfiguration.Instance, stream, out detected);
            }
            catch (Exception exception) when (IsDecoderFailure(exception))
            {
                throw HeaderFailure(data.Span, exception);
            }
        }

        if (info is null || detected is null || ToFileFormat(detected) is not { } format)
        {
            throw Unsupported(data.Span);
        }

        var header = new ImageHeader(format, info.Width, info.Height);
        RejectByDimensions(header);

        var truncation = ContainerIntegrity.FindTruncation(format, data.Span);
        if (truncation is not null)
        {
            throw new ImageRejectedException(ImageRejectionReason.Truncated, $"image is truncated: {truncation}.");
        }

        return header;
    }

    public Image<Rgb24> ReadRgb(ReadOnlyMemory<byte> data) => Decode<Rgb24>(data);

    public Image<Rgb24> ReadRgb(Stream stream) => Decode<Rgb24>(ReadAll(stream));

    public Image<Rgb24> ReadRgb(string path) => Decode<Rgb24>(ReadFile(path));

    public async Task<Image<Rgb24>> ReadRgbAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Decode<Rgb24>(await ReadAllAsync(stream, cancellationToken).ConfigureAwait(false));

    /// <summary>Decodes to 8-bit grey (colour files are converted with ImageSharp's luminance weights), for masks.</summary>
    public Image<L8> ReadGrey(ReadOnlyMemory<byte> data) => Decode<L8>(data);

    public Image<L8> ReadGrey(Stream stream) => Decode<L8>(ReadAll(stream));

    public Image<L8> ReadGrey(string path) => Decode<L8>(ReadFile(path));

    public async Task<Image<L8>> ReadGreyAsync(Stream stream, CancellationToken cancellationToken = default) =>
        Decode<L8>(await ReadAllAsync(stream, cancellationToken).ConfigureAwait(false));

    private Image<TPixel> Decode<TPixel>(ReadOnlyMemory<byte> data)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var header = Inspect(data);
        var configuration = RestrictedImageConfiguration.Instance;
        var decoder = configuration.ImageFormatsManager.FindDecoder(ToImageSharpFormat(header.Format));

        Image<TPixel> image;
        using (var stream = OpenRead(data))
        {
            try
            {
                image = Image.Load<TPixel>(configuration, stream, decoder);
            }
            catch (Exception exception) when (IsDecoderFailure(exception))
            {
                throw Corrupt(header.Format, exception);
            }
        }

        if (image.Width != header.Width || image.Height != header.Height)
        {
            var decodedWidth = image.Width;
            var decodedHeight = image.Height;
            image.Dispose();
            throw new ImageRejectedException(
                ImageRejectionReason.Corrupt,
                Invariant($"image is corrupt: its {header.Format} header says {header.Width}×{header.Height} but it decoded to {decodedWidth}×{decodedHeight}."));
        }

        return image;
    }

    private void RejectBySize(long length)
    {
        if (length == 0)
        {
            throw new ImageRejectedException(ImageRejectionReason.Empty, "image is empty (0 bytes).");
        }

        if (length > Limits.MaxBytes)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                Invariant($"image is {FormatBytes(length)}, over the {FormatBytes(Limits.MaxBytes)} limit (ImageLimits.MaxBytes = {Limits.MaxBytes})."));
        }
    }

    private void RejectByDimensions(ImageHeader header)
    {
        if (header.Width < 1 || header.Height < 1 || header.Width > Limits.MaxDimension || header.Height > Limits.MaxDimension)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.InvalidDimensions,
                Invariant($"image claims {header.Width}×{header.Height} pixels; each side must be between 1 and {Limits.MaxDimension} (ImageLimits.MaxDimension)."));
        }

        if (header.PixelCount > Limits.MaxPixels)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooManyPixels,
                Invariant($"image is {header.Width}×{header.Height} = {FormatMegapixels(header.PixelCount)} MP, over the {FormatMegapixels(Limits.MaxPixels)} MP budget (ImageLimits.MaxPixels = {Limits.MaxPixels})."));
        }
    }

    private ReadOnlyMemory<byte> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Image file '{file.FullName}' does not exist.", file.FullName);
        }

        RejectBySize(file.Length);
        return File.ReadAllBytes(file.FullName);
    }

    private ReadOnlyMemory<byte> ReadAll(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (TryGetRemainingLength(stream) is { } remaining)
        {
            RejectBySize(remaining);
            var exact = new byte[remaining];
            stream.ReadExactly(exact);
            return exact;
        }

        using var collected = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(StreamCopyBufferSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                AppendWithinLimit(collected, buffer, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Collected(collected);
    }

    private async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (TryGetRemainingLength(stream) is { } remaining)
        {
            RejectBySize(remaining);
            var exact = new byte[remaining];
            await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
            return exact;
        }

        using var collected = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(StreamCopyBufferSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                AppendWithinLimit(collected, buffer, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Collected(collected);
    }

    private static long? TryGetRemainingLength(Stream stream) =>
        stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;

    private void AppendWithinLimit(MemoryStream collected, byte[] buffer, int count)
    {
        if (collected.Length + count > Limits.MaxBytes)
        {
            throw new ImageRejectedException(
                ImageRejectionReason.TooLarge,
                Invariant($"image is more than {FormatBytes(Limits.MaxBytes)}, the limit (ImageLimits.MaxBytes = {Limits.MaxBytes})."));
        }

        collected.Write(buffer, 0, count);
    }

    private ReadOnlyMemory<byte> Collected(MemoryStream collected)
    {
        RejectBySize(collected.Length);
        return new ReadOnlyMemory<byte>(collected.GetBuffer(), 0, (int)collected.Length);
    }

    private static MemoryStream OpenRead(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);

    /// <summary>
    /// Identify only reads headers, so when it fails on a known format the header is either cut short or malformed.
    /// </summary>
    private static ImageRejectedException HeaderFailure(ReadOnlySpan<byte> data, Exception exception)
    {
        var detected = Image.DetectFormat(RestrictedImageConfiguration.Instance, data);
        if (detected is null || ToFileFormat(detected) is not { } format)
        {
            return Unsupported(data);
        }

        var truncation = ContainerIntegrity.FindTruncation(format, data);
        return truncation is not null
            ? new ImageRejectedException(ImageRejectionReason.Truncated, $"image is truncated: {truncation}.", exception)
            : Corrupt(format, exception);
    }

    private static ImageRejectedException Corrupt(ImageFileFormat format, Exception exception) =>
        new(ImageRejectionReason.Corrupt, $"image is corrupt: the {format} decoder failed with \"{exception.Message}\".", exception);

    private static ImageRejectedException Unsupported(ReadOnlySpan<byte> data)
    {
        var what = SniffRefusedFormat(data) is { } name
            ? $"a {name} file, which is refused because ImageSharp 2.1's {name} decoder has open security advisories"
            : "not a recognised image format";
        return new ImageRejectedException(
            ImageRejectionReason.UnsupportedFormat,
            $"image is {what}; only PNG, JPEG and WebP are accepted.");
    }

    private static string? SniffRefusedFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8))
        {
            return "GIF";
        }

        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8) || data.StartsWith("II+\0"u8) || data.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        return data.StartsWith("BM"u8) ? "BMP" : null;
    }

    private static bool IsDecoderFailure(Exception exception) =>
        exception is not (OperationCanceledException or OutOfMemoryException);

    private static ImageFileFormat? ToFileFormat(IImageFormat format) => format switch
    {
        PngFormat => ImageFileFormat.Png,
        JpegFormat => ImageFileFormat.Jpeg,
        WebpFormat => ImageFileFormat.Webp,
        _ => null,
    };

    private static IImageFormat ToImageSharpFormat(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => PngFormat.Instance,
        ImageFileFormat.Jpeg => JpegFormat.Instance,
        ImageFileFormat.Webp => WebpFormat.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => Invariant($"{bytes / (double)(1L << 30):0.##} GiB"),
        >= 1L << 20 => Invariant($"{bytes / (double)(1L << 20):0.##} MiB"),
        >= 1L << 10 => Invariant($"{bytes / (double)(1L << 10):0.##} KiB"),
        _ => Invariant($"{bytes} bytes"),
    };

    private static string FormatMegapixels(long pixels)
    {
        var megapixels = pixels / 1e6;
        return megapixels >= 100
            ? Invariant($"{megapixels:0}")
            : Invariant($"{megapixels:0.###}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
