namespace OrleansStyle.Farm.Video;

/// <summary>Where a video job stands: frames rendered (kept on disk), resumed from an earlier run, and in flight.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.VideoJobStatus")]
public sealed record VideoJobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] Jobs.JobState State,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height,
    [property: Id(4)] int FramesDone,
    [property: Id(5)] int FramesTotal)
{
    /// <summary>Frames this run rendered on devices (not counting frames resumed from disk).</summary>
    [Id(6)]
    public int FramesRendered { get; init; }

    /// <summary>Frames found on disk from an earlier run with the same job id.</summary>
    [Id(7)]
    public int FramesResumed { get; init; }

    /// <summary>Frame attempts that failed and were retried elsewhere.</summary>
    [Id(8)]
    public int Retries { get; init; }

    /// <summary>Frames rendered per second by this run, since its first frame was sent.</summary>
    [Id(9)]
    public double FramesPerSecond { get; init; }

    [Id(10)]
    public TimeSpan? Eta { get; init; }

    [Id(11)]
    public string? Error { get; init; }

    [Id(12)]
    public string? Caller { get; init; }

    /// <summary>False until the caller said how many frames the clip has (<see cref="IVideoJobGrain.EndOfFrames"/>).</summary>
    [Id(13)]
    public bool FrameCountKnown { get; init; }

    public bool IsFinished => State is Jobs.JobState.Completed or Jobs.JobState.Failed or Jobs.JobState.Cancelled;
}
