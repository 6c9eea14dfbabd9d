using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.Tests;

internal static class TestImages
{
    private static readonly SafeImageReader Reader = new();

    /// <summary>A real photo or painting, resized to exactly width × height.</summary>
    public static PlanarImage Load(string path, int width, int height)
    {
        using var image = Reader.ReadRgb(path);
        return image.ToPlanar().Resize(width, height);
    }

    public static PlanarImage Mask(int width, int height, Func<int, int, float> value)
    {
        var mask = new PlanarImage(width, height, 1);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                mask.Data[(y * width) + x] = value(x, y);
            }
        }

        return mask;
    }

    /// <summary>A grey RGB pattern.</summary>
    public static PlanarImage Pattern(int width, int height, Func<int, int, float> value)
    {
        var plane = Mask(width, height, value);
        var image = new PlanarImage(width, height, 3);
        for (var c = 0; c < 3; c++)
        {
            plane.Data.CopyTo(image.Plane(c));
        }

        return image;
    }

    /// <summary>Mean CIE Lab colour, optionally weighted by a mask.</summary>
    public static double[] MeanLab(PlanarImage rgb, PlanarImage? mask)
    {
        var lab = ColorSpaces.RgbToLab(rgb);
        var weights = mask?.Data;
        var result = new double[3];
        double total = 0;
        for (var i = 0; i < lab.PlaneLength; i++)
        {
            var w = weights?[i] ?? 1f;
            total += w;
            for (var c = 0; c < 3; c++)
            {
                result[c] += w * lab.Plane(c)[i];
            }
        }

        return [.. result.Select(v => v / total)];
    }

    /// <summary>Mean absolute difference between horizontal and vertical neighbours: high for fine strokes.</summary>
    public static double MeanGradient(PlanarImage image)
    {
        double sum = 0;
        long count = 0;
        for (var c = 0; c < image.Channels; c++)
        {
            var plane = image.Plane(c);
            for (var y = 0; y < image.Height - 1; y++)
            {
                for (var x = 0; x < image.Width - 1; x++)
                {
                    var i = (y * image.Width) + x;
                    sum += Math.Abs(plane[i + 1] - plane[i]) + Math.Abs(plane[i + image.Width] - plane[i]);
                    count += 2;
                }
            }
        }

        return sum / count;
    }
}
