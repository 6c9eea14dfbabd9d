using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// What to render for every frame of a clip. <see cref="Keyframes"/> (a few frames of the clip side by side) is what
/// the frozen normalisation statistics are captured from, once, and sent with every frame; null normalises each
/// frame with its own statistics (the per-frame baseline).
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.VideoJobSpec")]
public sealed record VideoJobSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] int Width,
    [property: Id(2)] int Height,
    [property: Id(3)] ImmutableArray<RegionSpec> Regions,
    [property: Id(4)] PixelBuffer? Keyframes)
{
    /// <summary>Frames the clip is expected to have (the container's count, possibly an estimate); for progress only.</summary>
    [Id(5)]
    public int ExpectedFrames { get; init; }

    /// <summary>How every frame is rendered: the same record an image render carries from its request to each tile.</summary>
    [Id(12)]
    public RenderOptions Options { get; init; } = RenderOptions.Default;

    [Id(10)]
    public string? Caller { get; init; }

    /// <summary>
    /// A hash of everything that decides the frames (clip, size, model, styles, options): a job id resumed with another
    /// request is refused instead of mixing two renders' frames.
    /// </summary>
    [Id(11)]
    public string Fingerprint { get; init; } = "";

    /// <summary>Optimisation: iterations per frame when <see cref="RenderOptions.CoarseIterations"/> is 0.</summary>
    public const int DefaultOptimizationIterations = 300;

    /// <summary>What is wrong with the optimisation and temporal options of a video job, each phrased as how to fix it.</summary>
    public static IReadOnlyList<string> OptimizationProblems(VideoJobSpec spec)
    {
        var options = spec.Options;
        var problems = new List<string>();
        if (options.Method == RenderMethod.Optimize)
        {
            if (spec.Regions.IsDefaultOrEmpty || spec.Regions.SelectMany(r => r.Styles).Any(s => s.Image is null))
            {
                problems.Add("Optimisation needs every style as an image: send the paintings, not style names.");
            }

            if (spec.Keyframes is not null)
            {
                problems.Add("Optimisation has no normalisation statistics to freeze: send no keyframes.");
            }

            if (options.StrokeScale != 0)
            {
                problems.Add("The stroke scale applies to feed-forward models; optimisation sizes its strokes with the style size.");
            }

            if (options.Temporal != VideoTemporalMode.Independent && options.Color is not (ColorControlMode.Style or ColorControlMode.LuminanceOnly))
            {
                problems.Add($"Colour mode {options.Color} puts the content's chroma back after each frame, which the next frame's temporal term cannot match: use Style or LuminanceOnly, or independent frames.");
            }
        }
        else if (options.Temporal != VideoTemporalMode.Independent)
        {
            problems.Add($"Temporal mode {options.Temporal} ties optimisation frames together: use it with the optimisation method (feed-forward frames are blended by the caller instead).");
        }

        if (!float.IsFinite(options.TemporalWeight) || options.TemporalWeight < 0)
        {
            problems.Add($"The temporal weight is {options.TemporalWeight}: use a positive number, or 0 for the default.");
        }
        else if (options.TemporalWeight > 0 && options.Temporal != VideoTemporalMode.WarmStartAndLoss)
        {
            problems.Add($"A temporal weight needs the temporal loss (WarmStartAndLoss); the job's mode is {options.Temporal}.");
        }

        return problems;
    }
}
