namespace OrleansStyle.Imaging;

/// <summary>sRGB ↔ CIE L*a*b* (D65). The CIE constants are the exact fractions, so both branches meet.</summary>
internal static class CieLab
{
    private const float Epsilon = 216f / 24389f;
    private const float Kappa = 24389f / 27f;
    private const float FEpsilon = 6f / 29f;
    private const float SrgbEncodedKnee = 0.04045f;
    private const float SrgbLinearKnee = SrgbEncodedKnee / 12.92f;

    // Linear sRGB → XYZ (D65), each row divided by its sum so the white point maps to (1, 1, 1).
    private static readonly ColorMatrix LinearRgbToRelativeXyz = new ColorMatrix(
        0.4124564, 0.3575761, 0.1804375,
        0.2126729, 0.7151522, 0.0721750,
        0.0193339, 0.1191920, 0.9503041).WithRowsSummingToOne();

    private static readonly float[] RgbToNormalisedXyz = LinearRgbToRelativeXyz.ToSingles();
    private static readonly float[] NormalisedXyzToRgb = LinearRgbToRelativeXyz.Inverse().ToSingles();

    public static PlanarImage FromRgb(PlanarImage rgb)
    {
        var result = new PlanarImage(rgb.Width, rgb.Height, 3);
        var length = rgb.PlaneLength;
        var input = rgb.Data;
        var output = result.Data;
        var m = RgbToNormalisedXyz;
        RowBands.For(rgb.Height, rgb.Width * 120L, (first, end) =>
        {
            var from = first * rgb.Width;
            var count = (end - first) * rgb.Width;
            ReadOnlySpan<float> red = input.AsSpan(from, count);
            ReadOnlySpan<float> green = input.AsSpan(length + from, count);
            ReadOnlySpan<float> blue = input.AsSpan((2 * length) + from, count);
            var lightness = output.AsSpan(from, count);
            var a = output.AsSpan(length + from, count);
            var b = output.AsSpan((2 * length) + from, count);
            for (var i = 0; i < count; i++)
            {
                var r = ToLinear(red[i]);
                var g = ToLinear(green[i]);
                var bl = ToLinear(blue[i]);
                var fx = F((m[0] * r) + (m[1] * g) + (m[2] * bl));
                var fy = F((m[3] * r) + (m[4] * g) + (m[5] * bl));
                var fz = F((m[6] * r) + (m[7] * g) + (m[8] * bl));
                lightness[i] = (116f * fy) - 16f;
                a[i] = 500f * (fx - fy);
                b[i] = 200f * (fy - fz);
            }
        });
        return result;
    }

    public static PlanarImage ToRgb(PlanarImage lab)
    {
        var result = new PlanarImage(lab.Width, lab.Height, 3);
        var length = lab.PlaneLength;
        var input = lab.Data;
        var output = result.Data;
        var m = NormalisedXyzToRgb;
        RowBands.For(lab.Height, lab.Width * 120L, (first, end) =>
        {
            var from = first * lab.Width;
            var count = (end - first) * lab.Width;
            ReadOnlySpan<float> lightness = input.AsSpan(from, count);
            ReadOnlySpan<float> a = input.AsSpan(length + from, count);
            ReadOnlySpan<float> b = input.AsSpan((2 * length) + from, count);
            var red = output.AsSpan(from, count);
            var green = output.AsSpan(length + from, count);
            var blue = output.AsSpan((2 * length) + from, count);
            for (var i = 0; i < count; i++)
            {
                var fy = (lightness[i] + 16f) / 116f;
                var x = InverseF(fy + (a[i] / 500f));
                var y = InverseF(fy);
                var z = InverseF(fy - (b[i] / 200f));
                red[i] = ToEncoded((m[0] * x) + (m[1] * y) + (m[2] * z));
                green[i] = ToEncoded((m[3] * x) + (m[4] * y) + (m[5] * z));
                blue[i] = ToEncoded((m[6] * x) + (m[7] * y) + (m[8] * z));
            }
        });
        return result;
    }

    private static float ToLinear(float encoded) =>
        encoded <= SrgbEncodedKnee ? encoded / 12.92f : MathF.Pow((encoded + 0.055f) / 1.055f, 2.4f);

    private static float ToEncoded(float linear) =>
        linear <= SrgbLinearKnee ? linear * 12.92f : (1.055f * MathF.Pow(linear, 1f / 2.4f)) - 0.055f;

    private static float F(float t) => t > Epsilon ? MathF.Cbrt(t) : ((Kappa * t) + 16f) / 116f;

    private static float InverseF(float f) => f > FEpsilon ? f * f * f : ((116f * f) - 16f) / Kappa;
}
