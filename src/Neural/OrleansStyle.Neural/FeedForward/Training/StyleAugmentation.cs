using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Random variants of a square style crop, so a decoder trained on a few paintings sees their marks in other
/// directions and colours: one of the 8 rotations/flips, a hue rotation, a saturation change (sometimes grey) and a
/// mild contrast change. A function of the seed only.
/// </summary>
public static class StyleAugmentation
{
    /// <param name="crop">A square RGB crop.</param>
    /// <param name="seed">A well-mixed 64-bit seed (from <see cref="Seeds.Derive"/>); its high 31 bits are used.</param>
    public static PlanarImage Apply(PlanarImage crop, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(crop);
        if (crop.Channels != 3 || crop.Width != crop.Height)
        {
            throw new ArgumentException("Style augmentation takes square RGB crops.", nameof(crop));
        }

        var random = new Random((int)(seed >> 33));
        var size = crop.Width;
        var plane = crop.PlaneLength;
        var symmetry = random.Next(8);
        var hue = (random.NextDouble() * 2 - 1) * Math.PI;
        var saturation = random.NextDouble() < 0.15 ? 0 : 0.4 + (1.1 * random.NextDouble());
        var contrast = 0.8 + (0.4 * random.NextDouble());
        var (cos, sin) = ((float)(Math.Cos(hue) * saturation), (float)(Math.Sin(hue) * saturation));
        var source = crop.Data;
        var data = new float[source.Length];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (sx, sy) = Dihedral(symmetry, x, y, size);
                var s = (sy * size) + sx;
                var (r, g, b) = (source[s], source[plane + s], source[(2 * plane) + s]);

                // YIQ: luminance stays, the chroma plane rotates (hue) and scales (saturation).
                var luma = (0.299f * r) + (0.587f * g) + (0.114f * b);
                var i = (0.596f * r) - (0.274f * g) - (0.322f * b);
                var q = (0.211f * r) - (0.523f * g) + (0.312f * b);
                (i, q) = ((cos * i) - (sin * q), (sin * i) + (cos * q));
                luma = ((luma - 0.5f) * (float)contrast) + 0.5f;
                var d = (y * size) + x;
                data[d] = Math.Clamp(luma + (0.956f * i) + (0.621f * q), 0f, 1f);
                data[plane + d] = Math.Clamp(luma - (0.272f * i) - (0.647f * q), 0f, 1f);
                data[(2 * plane) + d] = Math.Clamp(luma - (1.106f * i) + (1.703f * q), 0f, 1f);
            }
        }

        return new PlanarImage(size, size, 3, data);
    }

    /// <summary>The source pixel of (x, y) under symmetry 0–7 of the square (rotations by 90°, optionally mirrored).</summary>
    private static (int X, int Y) Dihedral(int symmetry, int x, int y, int size)
    {
        var last = size - 1;
        var (u, v) = (symmetry & 4) != 0 ? (last - x, y) : (x, y);
        return (symmetry & 3) switch
        {
            0 => (u, v),
            1 => (v, last - u),
            2 => (last - u, last - v),
            _ => (last - v, u),
        };
    }
}
