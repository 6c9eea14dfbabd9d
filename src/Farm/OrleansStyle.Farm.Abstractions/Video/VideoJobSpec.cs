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

    /// <summary>AdaIN content/style trade-off (1 = full style).</summary>
    [Id(6)]
    public float Alpha { get; init; } = 1f;

    [Id(7)]
    public ColorControlMode Color { get; init; } = ColorControlMode.Style;

    /// <summary>Long side the style images are used at (AdaIN); 0 = the farm's default.</summary>
    [Id(8)]
    public int StyleSize { get; init; }

    [Id(9)]
    public bool KeepDecoderColors { get; init; }

    [Id(10)]
    public string? Caller { get; init; }

    /// <summary>
    /// A hash of everything that decides the frames (clip, size, model, styles, options): a job id resumed with another
    /// request is refused instead of mixing two renders' frames.
    /// </summary>
    [Id(11)]
    public string Fingerprint { get; init; } = "";
}
