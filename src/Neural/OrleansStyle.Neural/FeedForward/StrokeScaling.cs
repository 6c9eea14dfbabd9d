using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// Stroke scale for feed-forward and AdaIN renders. A network paints strokes of a fixed size in pixels, so on a large
/// picture they shrink relative to it. With stroke scale S the network runs on the picture shrunk by S, its result is
/// enlarged back by S (strokes S× larger), and the photo's own fine luminance detail (what the shrinking removed) is
/// added back so edges stay sharp: a Laplacian-pyramid style detail transfer, chosen over a guided filter because it
/// uses the same two resamplings and so stays exactly tileable.
/// <para>
/// Tiles: both resamplings sit on a grid anchored at the picture's origin (<see cref="PlanarImage.ResizeByScale"/>).
/// S is kept to multiples of 1/32 so that 32·S is a whole number of pixels (<see cref="Alignment"/>): a window that
/// starts on a multiple of it starts on the network's 32-px grid in the shrunk picture, and renders as the matching
/// part of the whole picture's render.
/// </para>
/// </summary>
public static class StrokeScaling
{
    public const float Min = 1f;

    public const float Max = 16f;

    /// <summary>
    /// The long side whose strokes the automatic scale keeps: the bundled models were trained on 256-px crops, and
    /// rendered at 256 px every held-out pair meets the texture target, at 512 px not all (models/README.md).
    /// </summary>
    public const int ReferenceLongSide = 256;

    /// <summary>Scales are multiples of 1/<see cref="Steps"/>.</summary>
    public const int Steps = 32;

    /// <summary>Share of the photo's removed luminance detail added back (1 = all of it).</summary>
    public const float DefaultDetail = 1f;

    /// <summary>What is wrong with a requested stroke scale (0 = automatic), phrased as how to fix it; null when fine.</summary>
    public static string? Problem(float requested) =>
        requested == 0 || (float.IsFinite(requested) && requested is >= Min and <= Max)
            ? null
            : $"Stroke scale {requested} is out of range: use {Min}–{Max} (strokes that many times larger than the network paints them), or 0 for automatic (strokes as on a {ReferenceLongSide}-px picture).";

    /// <summary>The shortest side the automatic scale leaves the shrunk picture (the networks need a few pixels).</summary>
    public const int MinShrunkSide = 16;

    /// <summary>
    /// The scale a render uses: the requested one to a multiple of 1/<see cref="Steps"/>, or with 0 (automatic) the
    /// picture's long side over <see cref="ReferenceLongSide"/>, at least 1 (smaller pictures keep the network's
    /// strokes), at most <see cref="Max"/> and at most what leaves <paramref name="shortSide"/> <see cref="MinShrunkSide"/> pixels.
    /// </summary>
    public static float Resolve(float requested, int longSide, int shortSide = int.MaxValue)
    {
        if (Problem(requested) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(requested), requested, problem);
        }

        if (requested != 0)
        {
            return Math.Clamp(MathF.Round(requested * Steps) / Steps, Min, Max);
        }

        var automatic = MathF.Round((float)longSide / ReferenceLongSide * Steps) / Steps;
        var widest = MathF.Floor((float)shortSide / MinShrunkSide * Steps) / Steps;
        return Math.Clamp(Math.Min(automatic, widest), Min, Max);
    }

    /// <summary>Pixels of the picture per 32 pixels of the shrunk picture: the tile alignment a scale needs.</summary>
    public static int Alignment(float scale) => (int)MathF.Round(scale * Steps);

    /// <summary>A length of the picture in the shrunk picture.</summary>
    public static int Shrunk(int length, float scale) => Math.Max(1, (int)Math.Ceiling(length / (double)scale - 1e-9));

    public static PlanarImage Shrink(PlanarImage image, float scale) =>
        scale == 1f ? image : image.ResizeByScale(Shrunk(image.Width, scale), Shrunk(image.Height, scale), scale);

    /// <summary>Lanczos-3, so the network's strokes stay crisp (bilinear visibly softens them and the texture figure sees it).</summary>
    public static PlanarImage Enlarge(PlanarImage small, int width, int height, float scale) =>
        scale == 1f && small.Width == width && small.Height == height ? small : small.ResizeByScale(width, height, 1.0 / scale, ResamplingKernel.Lanczos3);

    /// <summary>
    /// Enlarges <paramref name="rendered"/> (the network's result on <see cref="Shrink"/> of <paramref name="content"/>)
    /// to the content's size and adds back <paramref name="detail"/> of the luminance detail the shrinking removed.
    /// </summary>
    public static PlanarImage Enlarge(PlanarImage rendered, PlanarImage content, float scale, float detail = DefaultDetail)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(content);
        var result = Enlarge(rendered, content.Width, content.Height, scale);
        if (scale == 1f)
        {
            return result;
        }

        if (detail == 0f)
        {
            Clamp(result.Data); // Lanczos overshoots a little
            return result;
        }

        var luminance = Luminance(content);

        // The detail is what the same shrink and enlargement remove from the photo, so it is exactly what the render lacks.
        var blurred = Enlarge(Shrink(luminance, scale), content.Width, content.Height, scale);
        var fine = luminance.Data;
        var coarse = blurred.Data;
        for (var c = 0; c < result.Channels; c++)
        {
            var plane = result.Plane(c);
            for (var i = 0; i < plane.Length; i++)
            {
                plane[i] = Math.Clamp(plane[i] + (detail * (fine[i] - coarse[i])), 0f, 1f);
            }
        }

        return result;
    }

    private static void Clamp(Span<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Clamp(values[i], 0f, 1f);
        }
    }

    /// <summary>Rec. 601 luma: cheap, and only its high frequencies are used.</summary>
    private static PlanarImage Luminance(PlanarImage rgb)
    {
        var luminance = new PlanarImage(rgb.Width, rgb.Height, 1);
        var r = rgb.Plane(0);
        var g = rgb.Plane(1);
        var b = rgb.Plane(2);
        var y = luminance.Data;
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = (0.299f * r[i]) + (0.587f * g[i]) + (0.114f * b[i]);
        }

        return luminance;
    }
}
