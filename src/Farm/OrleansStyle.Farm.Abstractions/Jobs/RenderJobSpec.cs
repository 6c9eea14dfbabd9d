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

    /// <summary>When the job must be finished; past it the job fails and stops using devices.</summary>
    [Id(9)]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Who submitted it (for per-caller limits and logs).</summary>
    [Id(10)]
    public string? Caller { get; init; }

    /// <summary>How to render it: the caller's options, unchanged, for every tile.</summary>
    [Id(18)]
    public RenderOptions Options { get; init; } = RenderOptions.Default;

    /// <summary>
    /// A hash of everything that decides the result (picture, styles, masks, options), so a job id resubmitted with
    /// another request is refused instead of answered with the first request's result.
    /// </summary>
    [Id(17)]
    public string Fingerprint { get; init; } = "";

    /// <summary>The loss network optimisation jobs use (they need no model file).</summary>
    public const string OptimizationNetwork = "resnet18";

    public const int MaxOptimizationStyleSize = 2048;
}
