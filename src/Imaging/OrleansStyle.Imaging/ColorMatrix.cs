namespace OrleansStyle.Imaging;

/// <summary>A 3×3 per-pixel linear transform between colour spaces.</summary>
internal sealed class ColorMatrix
{
    private readonly double[] elements;

    public ColorMatrix(
        double m00, double m01, double m02,
        double m10, double m11, double m12,
        double m20, double m21, double m22)
    {
        elements = [m00, m01, m02, m10, m11, m12, m20, m21, m22];
    }

    public ColorMatrix Inverse()
    {
        var e = elements;
        var c00 = (e[4] * e[8]) - (e[5] * e[7]);
        var c01 = (e[5] * e[6]) - (e[3] * e[8]);
        var c02 = (e[3] * e[7]) - (e[4] * e[6]);
        var determinant = (e[0] * c00) + (e[1] * c01) + (e[2] * c02);
        if (Math.Abs(determinant) < 1e-12)
        {
            throw new InvalidOperationException("Colour matrix is singular.");
        }

        var inverse = 1 / determinant;
        return new ColorMatrix(
            c00 * inverse,
            ((e[2] * e[7]) - (e[1] * e[8])) * inverse,
            ((e[1] * e[5]) - (e[2] * e[4])) * inverse,
            c01 * inverse,
            ((e[0] * e[8]) - (e[2] * e[6])) * inverse,
            ((e[2] * e[3]) - (e[0] * e[5])) * inverse,
            c02 * inverse,
            ((e[1] * e[6]) - (e[0] * e[7])) * inverse,
            ((e[0] * e[4]) - (e[1] * e[3])) * inverse);
    }

    public ColorMatrix WithRowsSummingToOne()
    {
        var e = elements;
        var sums = new[] { e[0] + e[1] + e[2], e[3] + e[4] + e[5], e[6] + e[7] + e[8] };
        return new ColorMatrix(
            e[0] / sums[0], e[1] / sums[0], e[2] / sums[0],
            e[3] / sums[1], e[4] / sums[1], e[5] / sums[1],
            e[6] / sums[2], e[7] / sums[2], e[8] / sums[2]);
    }

    public float[] ToSingles() => Array.ConvertAll(elements, value => (float)value);

    public PlanarImage Apply(PlanarImage source)
    {
        var result = new PlanarImage(source.Width, source.Height, 3);
        var length = source.PlaneLength;
        var input = source.Data;
        var output = result.Data;
        var m = ToSingles();
        RowBands.For(source.Height, source.Width * 9L, (first, end) =>
        {
            var from = first * source.Width;
            var count = (end - first) * source.Width;
            ReadOnlySpan<float> x = input.AsSpan(from, count);
            ReadOnlySpan<float> y = input.AsSpan(length + from, count);
            ReadOnlySpan<float> z = input.AsSpan((2 * length) + from, count);
            var p = output.AsSpan(from, count);
            var q = output.AsSpan(length + from, count);
            var r = output.AsSpan((2 * length) + from, count);
            for (var i = 0; i < count; i++)
            {
                var a = x[i];
                var b = y[i];
                var c = z[i];
                p[i] = (m[0] * a) + (m[1] * b) + (m[2] * c);
                q[i] = (m[3] * a) + (m[4] * b) + (m[5] * c);
                r[i] = (m[6] * a) + (m[7] * b) + (m[8] * c);
            }
        });
        return result;
    }
}
