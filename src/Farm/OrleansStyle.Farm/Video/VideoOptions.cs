namespace OrleansStyle.Farm.Video;

/// <summary>How video job coordinators run. Bound from <c>OrleansStyle:Video</c>.</summary>
public sealed class VideoOptions
{
    public const string Section = "OrleansStyle:Video";

    /// <summary>
    /// Where finished frames are kept, one folder per job id, until the caller has the encoded result: a run killed
    /// and resumed with the same job id renders only the frames missing here. Raw RGB, width × height × 3 bytes a
    /// frame (0.7 MB at 640×360), deleted when the caller releases the job.
    /// </summary>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "orleans-style", "video-spool");

    /// <summary>
    /// Frames a job holds in memory at once (sent to workers or waiting for one). Enough to keep every worker's
    /// batches full; the caller's decoder waits when the window is full, so memory stays bounded for any clip length.
    /// </summary>
    public int MaxFramesInFlight { get; set; } = 24;
}
