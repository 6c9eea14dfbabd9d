namespace OrleansStyle.Imaging;

/// <summary>
/// Colour-space conversions on 3-channel planar images (RGB 0–1 in and out). YIQ uses the FCC NTSC matrix,
/// YUV the analogue BT.601 one (U ±0.436, V ±0.615); both inverses are computed from the forward matrix,
/// so round trips are exact to float precision. Lab is CIE L*a*b* from sRGB with gamma linearisation and a D65
/// white taken from the sRGB matrix, so RGB white is exactly (100, 0, 0).
/// </summary>
public static class ColorSpaces
{
    private const double LumaRed = 0.299;
    private const double LumaGreen = 0.587;
    private const double LumaBlue = 0.114;
    private const double MaxU = 0.436;
    private const double MaxV = 0.615;

    private static readonly ColorMatrix RgbToYiqMatrix = new(
        LumaRed, LumaGreen, LumaBlue,
        0.5959, -0.2746, -0.3213,
        0.2115, -0.5227, 0.3112);

    private static readonly ColorMatrix YiqToRgbMatrix = RgbToYiqMatrix.Inverse();

    private static readonly ColorMatrix RgbToYuvMatrix = new(
        LumaRed, LumaGreen, LumaBlue,
        -MaxU * LumaRed / (1 - LumaBlue), -MaxU * LumaGreen / (1 - LumaBlue), MaxU,
        MaxV, -MaxV * LumaGreen / (1 - LumaRed), -MaxV * LumaBlue / (1 - LumaRed));

    private static readonly ColorMatrix YuvToRgbMatrix = RgbToYuvMatrix.Inverse();

    public static PlanarImage RgbToYiq(PlanarImage rgb) => RgbToYiqMatrix.Apply(RequireThreeChannels(rgb));

    public static PlanarImage YiqToRgb(PlanarImage yiq) => YiqToRgbMatrix.Apply(RequireThreeChannels(yiq));

    public static PlanarImage RgbToYuv(PlanarImage rgb) => RgbToYuvMatrix.Apply(RequireThreeChannels(rgb));

    public static PlanarImage YuvToRgb(PlanarImage yuv) => YuvToRgbMatrix.Apply(RequireThreeChannels(yuv));

    /// <summary>L in 0–100, a and b roughly ±110 for sRGB colours.</summary>
    public static PlanarImage RgbToLab(PlanarImage rgb) => CieLab.FromRgb(RequireThreeChannels(rgb));

    /// <summary>Out-of-gamut Lab values give RGB outside 0–1; they are not clamped.</summary>
    public static PlanarImage LabToRgb(PlanarImage lab) => CieLab.ToRgb(RequireThreeChannels(lab));

    /// <summary>Per-pixel Euclidean distance between the (a, b) chroma of two Lab images: a 1-channel image.</summary>
    public static PlanarImage ChromaDistance(PlanarImage labA, PlanarImage labB)
    {
        RequireThreeChannels(labA);
        RequireThreeChannels(labB);
        if (labA.Width != labB.Width || labA.Height != labB.Height)
        {
            throw new ArgumentException(
                $"Chroma distance needs equal sizes, but got {labA.Width}×{labA.Height} and {labB.Width}×{labB.Height}.", nameof(labB));
        }

        var result = new PlanarImage(labA.Width, labA.Height, 1);
        var distance = result.Data.AsSpan();
        ReadOnlySpan<float> aOfA = labA.Plane(1);
        ReadOnlySpan<float> bOfA = labA.Plane(2);
        ReadOnlySpan<float> aOfB = labB.Plane(1);
        ReadOnlySpan<float> bOfB = labB.Plane(2);
        for (var i = 0; i < distance.Length; i++)
        {
            var da = aOfA[i] - aOfB[i];
            var db = bOfA[i] - bOfB[i];
            distance[i] = MathF.Sqrt((da * da) + (db * db));
        }

        return result;
    }

    private static PlanarImage RequireThreeChannels(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != 3)
        {
            throw new ArgumentException($"Expected a 3-channel image but this one has {image.Channels} channels.", nameof(image));
        }

        return image;
    }
}
