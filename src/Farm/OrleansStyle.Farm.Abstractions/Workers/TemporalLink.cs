using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// A video frame's tie to the previous frame for optimisation: <see cref="Warped"/> is the previous frame's result
/// warped onto this frame along the content's optical flow, <see cref="Trust"/> (one channel, 255 = trusted) is the
/// occlusion mask of that warp.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TemporalLink")]
public sealed record TemporalLink(
    [property: Id(0)] PixelBuffer Warped,
    [property: Id(1)] PixelBuffer Trust);
