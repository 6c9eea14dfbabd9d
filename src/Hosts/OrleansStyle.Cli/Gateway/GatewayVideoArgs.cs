using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// What <c>video --gateway URL</c> sends: the clip (or a job to re-attach to) and the render's options. Method is model,
/// adain or optimize; Temporal is blend, ruder, warm or off (already defaulted for the method).
/// </summary>
internal sealed record GatewayVideoArgs(
    string Gateway,
    string? ApiKey,
    string? Clip,
    string Output,
    string Model,
    IReadOnlyList<string> Styles,
    IReadOnlyList<string> Regions,
    string Method,
    float? Alpha,
    int MaxSide,
    ColorMode Color,
    double? Start,
    double? Duration,
    bool FrameStatistics,
    string? JobId,
    bool Detach,
    string? Attach,
    string Temporal,
    int? Iterations,
    float? TemporalWeight)
{
    /// <summary>AdaIN and optimisation take style images, which travel as STYLE parts; a model takes style names.</summary>
    public bool TakesStyleImages => Method is "adain" or "optimize";

    public bool Optimize => Method == "optimize";
}
