namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// How to render a picture, as its caller states it: one record that travels unchanged from the gateway's header or
/// the command line through the request (<c>FarmRenderRequest</c>) and the job's spec (<see cref="RenderJobSpec"/>) to
/// every tile's work (<see cref="Workers.TileWork"/>). A new option is a property here and code where it is read, not
/// a field copied by hand through five messages. Zero for a number means "the farm's default".
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.RenderOptions")]
public sealed record RenderOptions
{
    public static readonly RenderOptions Default = new();

    [Id(0)]
    public RenderMethod Method { get; init; } = RenderMethod.FeedForward;

    /// <summary>AdaIN content/style trade-off (1 = full style).</summary>
    [Id(1)]
    public float Alpha { get; init; } = 1f;

    [Id(2)]
    public ColorControlMode Color { get; init; } = ColorControlMode.Style;

    /// <summary>Tile side in pixels; 0 lets the coordinator choose from the devices' memory.</summary>
    [Id(3)]
    public int TileSize { get; init; }

    /// <summary>Overlap between neighbouring tiles; 0 lets the coordinator choose.</summary>
    [Id(4)]
    public int Overlap { get; init; }

    /// <summary>
    /// Long side the style images are used at, the same for every tile. AdaIN: 0 = 512. Optimisation: 0 = the
    /// picture's long side, at most <see cref="RenderJobSpec.MaxOptimizationStyleSize"/>.
    /// </summary>
    [Id(5)]
    public int StyleSize { get; init; }

    /// <summary>Optimisation: iterations of the coarse pass on the thumbnail (0 = 300).</summary>
    [Id(6)]
    public int CoarseIterations { get; init; }

    /// <summary>Optimisation: iterations of each tile's full-resolution refinement (0 = 100).</summary>
    [Id(7)]
    public int RefineIterations { get; init; }

    /// <summary>AdaIN: keep the decoder's own colours instead of the styles' colour mean and covariance.</summary>
    [Id(8)]
    public bool KeepDecoderColors { get; init; }

    /// <summary>Optimisation: the random seed (noise initialisation, kernel samples); a job is deterministic for it.</summary>
    [Id(9)]
    public int Seed { get; init; }

    /// <summary>Long side of the thumbnail statistics are frozen from (and optimisation's coarse pass runs at).</summary>
    [Id(10)]
    public int StatisticsSize { get; init; } = RenderJobSpec.StatisticsSize;

    /// <summary>
    /// Feed-forward and AdaIN: strokes this many times larger than the network paints them (1–16); 0 = automatic from
    /// the picture's size. The coordinator resolves it once and every tile gets the same value.
    /// </summary>
    [Id(11)]
    public float StrokeScale { get; init; }

    /// <summary>
    /// Video optimisation: how frame t is tied to frame t−1 (Ruder et al. 2016). Anything but
    /// <see cref="VideoTemporalMode.Independent"/> renders a clip's frames one after another.
    /// </summary>
    [Id(12)]
    public VideoTemporalMode Temporal { get; init; }

    /// <summary>Video optimisation with <see cref="VideoTemporalMode.WarmStartAndLoss"/>: w_t of the temporal loss (0 = 500).</summary>
    [Id(13)]
    public float TemporalWeight { get; init; }
}
