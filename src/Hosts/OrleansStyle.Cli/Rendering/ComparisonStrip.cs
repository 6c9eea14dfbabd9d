using OrleansStyle.Imaging;

namespace OrleansStyle.Cli.Rendering;

/// <summary>Content, style(s) and result side by side at one height, with a thin white gutter.</summary>
internal static class ComparisonStrip
{
    private const int Gutter = 4;

    public static PlanarImage Build(IReadOnlyList<PlanarImage> images, int height)
    {
        var scaled = images
            .Select(image => image.Channels == 3 ? image : Grey(image))
            .Select(image => image.Resize(Math.Max(1, (int)Math.Round((double)image.Width * height / image.Height)), height))
            .ToList();
        var width = scaled.Sum(image => image.Width) + (Gutter * (scaled.Count - 1));
        var strip = new PlanarImage(width, height, 3);
        Array.Fill(strip.Data, 1f);
        var x = 0;
        foreach (var image in scaled)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    image.Row(c, y).CopyTo(strip.Row(c, y)[x..]);
                }
            }

            x += image.Width + Gutter;
        }

        return strip;
    }

    private static PlanarImage Grey(PlanarImage mask)
    {
        var grey = new PlanarImage(mask.Width, mask.Height, 3);
        for (var c = 0; c < 3; c++)
        {
            mask.Plane(0).CopyTo(grey.Plane(c));
        }

        return grey;
    }
}
