using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// One tile for a worker: its pixels, each region's mask cropped to the tile (null = the whole tile), the colour
/// mode and the picture's frozen statistics. Tiles of the same model and size are batched on the device.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TileWork")]
public sealed record TileWork(
    [property: Id(0)] string JobId,
    [property: Id(1)] int TileIndex,
    [property: Id(2)] string Model,
    [property: Id(3)] PixelBuffer Content,
    [property: Id(4)] ImmutableArray<RegionSpec> Regions,
    [property: Id(5)] FrozenStatistics? Statistics)
{
    /// <summary>The job's options, as its caller gave them (method, α, colours, seed…).</summary>
    [Id(16)]
    public RenderOptions Options { get; init; } = RenderOptions.Default;

    [Id(8)]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>
    /// Long side of the style images, fixed per job so every tile sees the same style statistics: resolved by the
    /// coordinator from <see cref="RenderOptions.StyleSize"/> (the coarse pass uses it scaled to the thumbnail).
    /// </summary>
    [Id(9)]
    public int StyleSize { get; init; }

    /// <summary>Optimisation: where the tile starts (the coarse result, upsampled); null = the settings' initial image.</summary>
    [Id(11)]
    public PixelBuffer? Init { get; init; }

    /// <summary>Optimisation: iterations for this tile.</summary>
    [Id(12)]
    public int Iterations { get; init; }

    /// <summary>Optimisation: run the resolution pyramid (the coarse pass does; tile refinement does not).</summary>
    [Id(13)]
    public bool Pyramid { get; init; }

    /// <summary>Feed-forward: the job's resolved stroke scale (≥ 1; <see cref="RenderOptions.StrokeScale"/> may say 0 = automatic): the network runs on the window shrunk by it.</summary>
    [Id(17)]
    public float StrokeScale { get; init; } = 1f;

    /// <summary>Optimisation of a video frame: the previous frame's warped result and its trust mask; null = none.</summary>
    [Id(18)]
    public TemporalLink? Previous { get; init; }

    /// <summary>
    /// The part of the rendered window the caller keeps (the tile without its context margin), which is all the device
    /// sends back; null = the whole window. A window is up to 16 times its tile (the margin grows with the stroke scale),
    /// so returning only the tile keeps that traffic off the network and out of the coordinator's memory.
    /// </summary>
    [Id(19)]
    public PixelRect? Keep { get; init; }

    /// <summary>
    /// When set, the worker reads the window from the spool and <see cref="Content"/> is only its shape (no pixels):
    /// the coordinator then never holds or sends windows.
    /// </summary>
    [Id(20)]
    public SpooledWindow? Spooled { get; init; }
}
