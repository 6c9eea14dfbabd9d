using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Cli.Gateway;

/// <summary>What <c>video --gateway URL</c> sends: the clip (or a job to re-attach to) and the render's options.</summary>
internal sealed record GatewayVideoArgs(
    string Gateway,
    string? ApiKey,
    string? Clip,
    string Output,
    string Model,
    IReadOnlyList<string> Styles,
    IReadOnlyList<string> Regions,
    bool AdaIn,
    float? Alpha,
    int MaxSide,
    ColorMode Color,
    double? Start,
    double? Duration,
    bool FrameStatistics,
    string? JobId,
    bool Detach,
    string? Attach);
