namespace OrleansStyle.Imaging;

/// <summary>
/// A float image stored channel by channel (CHW, contiguous), the layout of a <c>[1, C, H, W]</c> tensor, so the
/// neural layer builds its input from <see cref="Data"/> with one copy. RGB values are 0–1.
/// </summary>
public sealed class PlanarImage
{
    public PlanarImage(int width, int height, int channels)
        : this(width, height, channels, new float[CheckedLength(width, height, channels)])
    {
    }

    /// <summary>Wraps <paramref name="data"/> (CHW order) without copying.</summary>
    public PlanarImage(int width, int height, int channels, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var length = CheckedLength(width, height, channels);
        if (data.Length != length)
        {
            throw new ArgumentException(
                $"A {width}×{height}×{channels} planar image needs {length} floats, but the array has {data.Length}.", nameof(data));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Data = data;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public float[] Data { get; }

    public int PlaneLength => Width * Height;

    public ImageSize Size => new(Width, Height);

    public Span<float> Plane(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, Channels);
        return Data.AsSpan(channel * PlaneLength, PlaneLength);
    }

    public Span<float> Row(int channel, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Plane(channel).Slice(y * Width, Width);
    }

    public PlanarImage Clone() => new(Width, Height, Channels, (float[])Data.Clone());

    public PlanarImage ExtractChannel(int channel)
    {
        var result = new PlanarImage(Width, Height, 1);
        Plane(channel).CopyTo(result.Data);
        return result;
    }

    public PlanarImage Crop(int x, int y, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (x + width > Width || y + height > Height)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"Crop {width}×{height} at ({x}, {y}) does not fit inside {Width}×{Height}.");
        }

        var result = new PlanarImage(width, height, Channels);
        for (var channel = 0; channel < Channels; channel++)
        {
            var source = Plane(channel);
            var target = result.Plane(channel);
            for (var row = 0; row < height; row++)
            {
                source.Slice(((y + row) * Width) + x, width).CopyTo(target.Slice(row * width, width));
            }
        }

        return result;
    }

    /// <summary>
    /// Resamples every channel with a tent (bilinear) filter whose support widens with the shrink factor,
    /// so each source pixel contributes when shrinking (what PIL and torchvision call antialiased bilinear).
    /// Works on any channels (RGB, Lab, masks) at float precision, which an 8-bit ImageSharp resize would not.
    /// </summary>
    public PlanarImage Resize(int width, int height) => TentResampler.Resize(this, width, height);

    /// <summary>
    /// Resamples to <paramref name="width"/>×<paramref name="height"/> with <paramref name="scale"/> source pixels per
    /// result pixel (&gt; 1 shrinks, &lt; 1 enlarges) on a grid anchored at the origin, so a crop whose origin is a
    /// multiple of the scale gives the matching crop of the whole image's result: what tiled renders need.
    /// </summary>
    public PlanarImage ResizeByScale(int width, int height, double scale, ResamplingKernel kernel = ResamplingKernel.Tent) =>
        TentResampler.ResizeByScale(this, width, height, scale, kernel);

    /// <summary>Shrinks so the long side is at most <paramref name="maxSide"/>; returns this instance when it already fits.</summary>
    public PlanarImage FitWithin(int maxSide)
    {
        var fitted = Size.FitWithin(maxSide);
        return fitted == Size ? this : Resize(fitted.Width, fitted.Height);
    }

    private static int CheckedLength(int width, int height, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var length = (long)width * height * channels;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"A {width}×{height}×{channels} planar image needs {length} floats, more than one array can hold.");
        }

        return (int)length;
    }
}
