using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Video;

/// <summary>What a video job streams to its watchers, in frame order.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.VideoEvent")]
public abstract record VideoEvent;

/// <summary>A finished frame (RGB), sent only once every earlier frame has been sent.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.VideoFrameReady")]
public sealed record VideoFrameReady([property: Id(0)] int Index, [property: Id(1)] PixelBuffer Pixels, [property: Id(2)] VideoJobStatus Progress) : VideoEvent;

/// <summary>The job finished (completed, failed or cancelled); always the last event.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.VideoFinished")]
public sealed record VideoFinished([property: Id(0)] VideoJobStatus Status) : VideoEvent;
