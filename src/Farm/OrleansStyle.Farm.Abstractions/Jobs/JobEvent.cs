using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// What a job streams to its watchers, numbered from 0 so a caller that reconnects resumes where it stopped.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.JobEvent")]
public abstract record JobEvent([property: Id(0)] int Sequence);

/// <summary>A finished tile: its place in the picture and its pixels (RGB).</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TileRendered")]
public sealed record TileRendered(
    int Sequence,
    [property: Id(0)] int TileIndex,
    [property: Id(1)] PixelRect Rect,
    [property: Id(2)] PixelBuffer Pixels,
    [property: Id(3)] JobStatus Progress) : JobEvent(Sequence);

/// <summary>The job finished (completed, failed or cancelled); always the last event.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.JobFinished")]
public sealed record JobFinished(int Sequence, [property: Id(0)] JobStatus Status) : JobEvent(Sequence);
