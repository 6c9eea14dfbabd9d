using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// A clip to stylise on the farm: the file (probed by the caller), the part of it, the frames' size, and how to render
/// them. <see cref="FreezeStatistics"/> false normalises each frame with its own statistics (the per-frame baseline).
/// </summary>
public sealed record FarmVideoRequest(
    string JobId,
    string Clip,
    VideoInfo Info,
    VideoSegment Segment,
    int Width,
    int Height,
    string Model,
    ImmutableArray<RegionSpec> Regions)
{
    public float Alpha { get; init; } = 1f;

    public ColorControlMode Color { get; init; } = ColorControlMode.Style;

    public int StyleSize { get; init; }

    public bool KeepDecoderColors { get; init; }

    public bool FreezeStatistics { get; init; } = true;

    public string? Caller { get; init; }

    /// <summary>
    /// Blend each frame with the previous result warped along the content's optical flow (docs/video.md, "Temporal
    /// consistency"); null leaves frames independent. Applied as the frames are encoded, so it is not part of the job.
    /// </summary>
    public TemporalBlendOptions? Temporal { get; init; } = TemporalBlendOptions.Default;

    /// <summary>Frames the segment should have, from the container's rate and duration (progress only; the decoder decides).</summary>
    public int ExpectedFrames => (int)Math.Max(1, Math.Round(Segment.LengthIn(Info).TotalSeconds * Info.FrameRate.PerSecond));
}
