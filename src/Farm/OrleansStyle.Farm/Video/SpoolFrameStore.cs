using System.Globalization;
using System.Text;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// <see cref="IVideoFrameStore"/> in the farm's <see cref="JobSpool"/>: a video job's frames are items of its spool
/// folder (<c>frame-000042</c>, raw RGB: no encoding cost on the coordinator), written atomically with the first writer
/// winning, so a killed process leaves no half frame and a frame rendered twice changes nothing. The <c>request</c>
/// item names the request the frames belong to. The folder goes when the caller releases the job, or with the
/// spool's sweep once nobody wrote to it for the spool's retention (a caller that gave up for good).
/// </summary>
public sealed class SpoolFrameStore(JobSpool spool) : IVideoFrameStore
{
    private const string Request = "request";
    private const string FramePrefix = "frame-";

    /// <summary>A video job's key space in the spool, apart from render and training jobs of the same id.</summary>
    public static string SpoolJobId(string videoJobId) => "video:" + videoJobId;

    public static string FrameKey(int index) => FramePrefix + index.ToString("D6", CultureInfo.InvariantCulture);

    public async Task<IReadOnlySet<int>> OpenAsync(string jobId, string fingerprint, int width, int height, CancellationToken cancellationToken = default)
    {
        var id = SpoolJobId(jobId);
        var request = Encoding.UTF8.GetBytes($"{fingerprint} {width}x{height}");
        if (!await spool.TryWriteAsync(id, Request, request, cancellationToken)
            && !(await spool.ReadAsync(id, Request, cancellationToken)).AsSpan().SequenceEqual(request))
        {
            throw new JobIdInUseException(
                $"The job id {jobId} already names the frames of a different video request: choose another id, or send the same request again to resume it.");
        }

        var held = new HashSet<int>();
        foreach (var key in spool.Keys(id))
        {
            if (key.StartsWith(FramePrefix, StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(FramePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                held.Add(index);
            }
        }

        return held;
    }

    public Task WriteAsync(string jobId, int index, PixelBuffer frame, CancellationToken cancellationToken = default) =>
        spool.TryWriteAsync(SpoolJobId(jobId), FrameKey(index), frame.Data, cancellationToken);

    public async Task<PixelBuffer> ReadAsync(string jobId, int index, int width, int height, CancellationToken cancellationToken = default) =>
        new(width, height, 3, await spool.ReadAsync(SpoolJobId(jobId), FrameKey(index), cancellationToken));

    public void Delete(string jobId) => spool.DeleteJob(SpoolJobId(jobId));
}
