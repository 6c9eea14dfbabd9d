using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging;

/// <summary>
/// 8-bit images to planar floats (v / 255) and back (clamped to 0–1, rounded to nearest; NaN becomes 0),
/// so an 8-bit round trip is exact.
/// </summary>
public static class PlanarImageConversions
{
    private static readonly float[] ByteToUnit = CreateByteToUnit();

    public static PlanarImage ToPlanar(this Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = image.Width;
        var result = new PlanarImage(width, image.Height, 3);
        var data = result.Data;
        var planeLength = result.PlaneLength;
        image.ProcessPixelRows(accessor =>
        {
            var red = data.AsSpan(0, planeLength);
            var green = data.AsSpan(planeLength, planeLength);
            var blue = data.AsSpan(2 * planeLength, planeLength);
            var lookup = ByteToUnit.AsSpan();
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var offset = y * width;
                var redRow = red.Slice(offset, width);
                var greenRow = green.Slice(offset, width);
                var blueRow = blue.Slice(offset, width);
                for (var x = 0; x < row.Length; x++)
                {
                    var pixel = row[x];
                    redRow[x] = lookup[pixel.R];
                    greenRow[x] = lookup[pixel.G];
                    blueRow[x] = lookup[pixel.B];
                }
            }
        });
        return result;
    }

    public static PlanarImage ToPlanar(this Image<L8> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var width = image.Width;
        var result = new PlanarImage(width, image.Height, 1);
        var data = result.Data;
        image.ProcessPixelRows(accessor =>
        {
            var lookup = ByteToUnit.AsSpan();
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var target = data.AsSpan(y * width, width);
                for (var x = 0; x < row.Length; x++)
                {
                    target[x] = lookup[row[x].PackedValue];
                }
            }
        });
        return result;
    }

    public static Image<Rgb24> ToRgb24(this PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireChannels(image, 3);
        var width = image.Width;
        var data = image.Data;
        var planeLength = image.PlaneLength;
        var result = new Image<Rgb24>(RestrictedImageConfiguration.Instance, width, image.Height);
        result.ProcessPixelRows(accessor =>
        {
            var red = data.AsSpan(0, planeLength);
            var green = data.AsSpan(planeLength, planeLength);
            var blue = data.AsSpan(2 * planeLength, planeLength);
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var offset = y * width;
                var redRow = red.Slice(offset, width);
                var greenRow = green.Slice(offset, width);
                var blueRow = blue.Slice(offset, width);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24(ToByte(redRow[x]), ToByte(greenRow[x]), ToByte(blueRow[x]));
                }
            }
        });
        return result;
    }

    public static Image<L8> ToL8(this PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireChannels(image, 1);
        var width = image.Width;
        var data = image.Data;
        var result = new Image<L8>(RestrictedImageConfiguration.Instance, width, image.Height);
        result.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var source = data.AsSpan(y * width, width);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new L8(ToByte(source[x]));
                }
            }
        });
        return result;
    }

    private static byte ToByte(float unit)
    {
        var scaled = (unit * 255f) + 0.5f;
        if (scaled >= 255f)
        {
            return 255;
        }

        // Written so NaN fails the comparison and becomes 0.
        return scaled > 0f ? (byte)scaled : (byte)0;
    }

    private static void RequireChannels(PlanarImage image, int channels)
    {
        if (image.Channels != channels)
        {
            throw new ArgumentException(
                $"Expected a {channels}-channel planar image but this one has {image.Channels} channels.", nameof(image));
        }
    }

    private static float[] CreateByteToUnit()
    {
        var table = new float[256];
        for (var value = 0; value < table.Length; value++)
        {
            table[value] = value / 255f;
        }

        return table;
    }
}
