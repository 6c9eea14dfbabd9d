using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// Finished frames of video jobs, kept on disk by job id so a killed run resumes without rendering them again.
/// Writes are atomic: a frame is either whole or absent.
/// </summary>
public interface IVideoFrameStore
{
    /// <summary>
    /// Opens the job's frames and returns the indices already held. Frames kept for another request under this id
    /// (another fingerprint) are refused with <see cref="Jobs.JobIdInUseException"/>.
    /// </summary>
    Task<IReadOnlySet<int>> OpenAsync(string jobId, string fingerprint, int width, int height, CancellationToken cancellationToken = default);

    Task WriteAsync(string jobId, int index, PixelBuffer frame, CancellationToken cancellationToken = default);

    Task<PixelBuffer> ReadAsync(string jobId, int index, int width, int height, CancellationToken cancellationToken = default);

    /// <summary>Deletes every frame of the job.</summary>
    void Delete(string jobId);
}
