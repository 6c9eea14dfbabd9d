using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Client;

/// <summary>A render as a caller states it: the whole picture (RGB) and how to style it.</summary>
public sealed record FarmRenderRequest(string JobId, PixelBuffer Content, string Model, ImmutableArray<RegionSpec> Regions)
{
    public float Alpha { get; init; } = 1f;

    public ColorControlMode Color { get; init; } = ColorControlMode.Style;

    public int TileSize { get; init; }

    public int Overlap { get; init; }

    public int StyleSize { get; init; }

    public DateTimeOffset? Deadline { get; init; }

    public string? Caller { get; init; }

    public RenderMethod Method { get; init; } = RenderMethod.FeedForward;

    public int CoarseIterations { get; init; }

    /// <summary>AdaIN: keep the decoder's own colours instead of the styles' colour mean and covariance.</summary>
    public bool KeepDecoderColors { get; init; }

    public int RefineIterations { get; init; }

    /// <summary>Optimisation: the random seed.</summary>
    public int Seed { get; init; }

    /// <summary>Feed-forward: strokes this many times larger (1–16); 0 = automatic from the picture's size.</summary>
    public float StrokeScale { get; init; }

    /// <summary>Long side of the thumbnail statistics are frozen from (and optimisation's coarse pass runs at).</summary>
    public int StatisticsSize { get; init; } = RenderJobSpec.StatisticsSize;
}
