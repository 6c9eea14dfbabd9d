using OrleansStyle.Cli.Rendering;
using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Cli.Gateway;

/// <summary>The render command's options that a gateway render uses; the rest stay in-process only.</summary>
internal sealed record GatewayRenderArgs(
    string Gateway,
    string? ApiKey,
    string Content,
    IReadOnlyList<string> Styles,
    IReadOnlyList<string> Regions,
    string? Model,
    string Method,
    float? Alpha,
    RenderGeometry Geometry,
    ColorMode Color,
    int Iterations,
    string Output,
    string? JobId,
    bool Detach)
{
    /// <summary>AdaIN: keep the decoder's colours instead of the styles' colour mean and covariance.</summary>
    public bool KeepDecoderColors { get; init; }

    /// <summary>Optimisation: the random seed.</summary>
    public int Seed { get; init; }

    /// <summary>Feed-forward: strokes this many times larger (1–16); 0 = automatic.</summary>
    public float StrokeScale { get; init; }

    /// <summary>How progress names the gateway (the embedded farm has no address worth showing).</summary>
    public string? DisplayName { get; init; }
}
