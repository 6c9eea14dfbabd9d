namespace OrleansStyle.Farm.Video;

/// <summary>
/// The coordinator of one video job (key: the job id). The caller decodes the clip and feeds its frames; the job
/// renders them on every worker at once with a bounded number in flight, keeps each finished frame on disk, and
/// streams them back in order. Submitting the same id again (e.g. after the caller was killed) resumes the job:
/// frames already on disk are not rendered again.
/// </summary>
public interface IVideoJobGrain : IGrainWithStringKey
{
    /// <summary>Accepts the job, or returns the existing one with this id (with the frames it already holds).</summary>
    Task<VideoJobStatus> Submit(VideoJobSpec spec);

    /// <summary>
    /// Hands over frame <paramref name="index"/>. Completes when the frame is taken into the job's window of frames in
    /// flight, so a caller that awaits each call never runs more than the window ahead. Frames the job already holds
    /// are ignored. A slow farm keeps the caller waiting here, hence the long timeout.
    /// </summary>
    [ResponseTimeout("00:10:00")]
    Task<VideoJobStatus> AppendFrame(int index, Pixels.PixelBuffer frame);

    /// <summary>The clip had <paramref name="frameCount"/> frames: the job completes once all of them are rendered.</summary>
    Task<VideoJobStatus> EndOfFrames(int frameCount);

    Task<VideoJobStatus> GetStatus();

    /// <summary>
    /// Finished frames in order from <paramref name="fromFrame"/>, each as soon as every earlier one is ready, then
    /// one <see cref="VideoFinished"/>.
    /// </summary>
    IAsyncEnumerable<VideoEvent> Watch(int fromFrame = 0, CancellationToken cancellationToken = default);

    Task<VideoJobStatus> Cancel(string reason);

    /// <summary>The caller has the encoded result: the job's frames are deleted from disk.</summary>
    Task Release();
}
