using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// What to render. The picture itself follows in <see cref="SourceBand"/>s (a few MB each) because a
/// high-resolution image does not fit one cluster message; the thumbnail (the whole picture, long side
/// <see cref="StatisticsSize"/> px or so) is what normalisation statistics are frozen from, so every tile
/// is normalised alike and the mosaic has no seams.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.RenderJobSpec")]
public sealed record RenderJobSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] ImmutableArray<RegionSpec> Regions,
    [property: Id(4)] PixelBuffer Thumbnail)
{
    public const int StatisticsSize = 512;

    /// <summary>The shortest side the networks take: two stride-2 layers and reflection padding need a few pixels left.</summary>
    public const int MinSide = 16;

    /// <summary>
    /// The widest picture (long side over short side): the statistics thumbnail, <see cref="StatisticsSize"/> on its
    /// long side, must keep <see cref="MinSide"/> on its short side.
    /// </summary>
    public const int MaxAspectRatio = StatisticsSize / MinSide;

    /// <summary>What is wrong with a picture of this size, in the user's terms; null when it can be rendered.</summary>
    public static string? ShapeProblem(int width, int height)
    {
        var shortSide = Math.Min(width, height);
        var longSide = Math.Max(width, height);
        if (shortSide < MinSide)
        {
            return $"the picture is {width}×{height}: both sides must be at least {MinSide} pixels.";
        }

        return longSide > (long)MaxAspectRatio * shortSide
            ? $"the picture is {width}×{height}: its long side may be at most {MaxAspectRatio} times its short side; crop it into parts."
            : null;
    }

    /// <summary>AdaIN content/style trade-off (1 = full style).</summary>
    [Id(5)]
    public float Alpha { get; init; } = 1f;

    [Id(6)]
    public ColorControlMode Color { get; init; } = ColorControlMode.Style;

    /// <summary>Tile side in pixels; 0 lets the coordinator choose from the devices' memory.</summary>
    [Id(7)]
    public int TileSize { get; init; }

    /// <summary>Overlap between neighbouring tiles; 0 lets the coordinator choose.</summary>
    [Id(8)]
    public int Overlap { get; init; }

    /// <summary>When the job must be finished; past it the job fails and stops using devices.</summary>
    [Id(9)]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Who submitted it (for per-caller limits and logs).</summary>
    [Id(10)]
    public string? Caller { get; init; }

    /// <summary>
    /// Long side the style images are used at, the same for every tile. AdaIN: 0 = the long side of the picture the
    /// network sees (the picture's, shrunk by the stroke scale), as in a whole-picture render. Optimisation: 0 = the
    /// picture's long side, at most <see cref="MaxOptimizationStyleSize"/>.
    /// </summary>
    [Id(11)]
    public int StyleSize { get; init; }

    [Id(12)]
    public RenderMethod Method { get; init; } = RenderMethod.FeedForward;

    /// <summary>Optimisation: iterations of the coarse pass on the thumbnail (0 = 300).</summary>
    [Id(13)]
    public int CoarseIterations { get; init; }

    /// <summary>Optimisation: iterations of each tile's full-resolution refinement (0 = 100).</summary>
    [Id(14)]
    public int RefineIterations { get; init; }

    /// <summary>AdaIN: keep the decoder's own colours instead of the styles' colour mean and covariance.</summary>
    [Id(15)]
    public bool KeepDecoderColors { get; init; }

    /// <summary>Optimisation: the random seed (noise initialisation, kernel samples); a job is deterministic for it.</summary>
    [Id(16)]
    public int Seed { get; init; }

    /// <summary>
    /// A hash of everything that decides the result (picture, styles, masks, options), so a job id resubmitted with
    /// another request is refused instead of answered with the first request's result.
    /// </summary>
    [Id(17)]
    public string Fingerprint { get; init; } = "";

    /// <summary>
    /// Feed-forward: strokes this many times larger than the network paints them (1–16); 0 = automatic, strokes as on
    /// a 512-px picture. The coordinator resolves it and every tile gets the same value.
    /// </summary>
    [Id(18)]
    public float StrokeScale { get; init; }

    /// <summary>The loss network optimisation jobs use (they need no model file).</summary>
    public const string OptimizationNetwork = "resnet18";

    public const int MaxOptimizationStyleSize = 2048;
}
