namespace OrleansStyle.Farm.Video;

/// <summary>How video job coordinators run. Bound from <c>OrleansStyle:Video</c>.</summary>
public sealed class VideoOptions
{
    public const string Section = "OrleansStyle:Video";

    /// <summary>
    /// Frames a job holds in memory at once (sent to workers or waiting for one). Enough to keep every worker's
    /// batches full; the caller's decoder waits when the window is full, so memory stays bounded for any clip length.
    /// </summary>
    public int MaxFramesInFlight { get; set; } = 24;
}
