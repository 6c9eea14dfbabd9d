using System.Runtime.InteropServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Advanced;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// Collects rows into an ImageSharp <see cref="Image{Rgb24}"/> and encodes it with <see cref="ImageWriter"/> at
/// <see cref="Complete"/>, for formats whose encoders need the whole picture (JPEG, WebP). That costs 3 bytes per
/// pixel, a quarter of a float RGB copy; PNG needs none of it (see <see cref="PngStreamWriter"/>). The destination
/// stays open; it belongs to the caller.
/// </summary>
public sealed class BufferedImageSink : IRgbRowSink
{
    /// <summary>WebP stores each side in 14 bits.</summary>
    public const int MaxWebpSide = 16_383;

    /// <summary>JPEG stores each side in 16 bits.</summary>
    public const int MaxJpegSide = 65_535;

    private const int BytesPerPixel = 3;

    private readonly Stream destination;
    private readonly OutputFormat format;
    private readonly int quality;
    private Image<Rgb24>? image;
    private bool completed;
    private bool disposed;

    public BufferedImageSink(Stream destination, int width, int height, OutputFormat format, int quality = ImageWriter.DefaultQuality)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The image destination stream must be writable.", nameof(destination));
        }

        // Refuse now rather than after every tile has been rendered and paid for.
        var maxSide = format switch
        {
            OutputFormat.WebpLossless or OutputFormat.WebpLossy => MaxWebpSide,
            OutputFormat.Jpeg => MaxJpegSide,
            OutputFormat.Png => int.MaxValue,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
        };
        if (width > maxSide || height > maxSide)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"A {width}×{height} image cannot be written as {format}: each side must be at most {maxSide} px.");
        }

        this.destination = destination;
        this.format = format;
        this.quality = quality;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public int RowsWritten { get; private set; }

    public void WriteRow(ReadOnlySpan<byte> row)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed || RowsWritten == Height)
        {
            throw new InvalidOperationException($"All {Height} rows of the image are already written.");
        }

        if (row.Length != Width * BytesPerPixel)
        {
            throw new ArgumentException($"A row of this {Width} px wide RGB image is {Width * BytesPerPixel} bytes, not {row.Length}.", nameof(row));
        }

        // Allocated on the first row so that an assembler waiting for its tiles holds no pixels yet.
        image ??= new Image<Rgb24>(RestrictedImageConfiguration.Instance, Width, Height);
        row.CopyTo(MemoryMarshal.AsBytes(image.DangerousGetPixelRowMemory(RowsWritten).Span));
        RowsWritten++;
    }

    /// <summary>Encodes the collected image to the destination and frees it.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed)
        {
            throw new InvalidOperationException("The image is already complete.");
        }

        if (RowsWritten != Height || image is null)
        {
            throw new InvalidOperationException($"Only {RowsWritten} of the image's {Height} rows were written.");
        }

        ImageWriter.Write(image, destination, format, quality);
        completed = true;
        image.Dispose();
        image = null;
    }

    public void Dispose()
    {
        disposed = true;
        image?.Dispose();
        image = null;
    }
}
