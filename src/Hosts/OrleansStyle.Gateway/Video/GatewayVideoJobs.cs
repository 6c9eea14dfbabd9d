using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Video;

/// <summary>
/// The video jobs this gateway runs, by id: started by <c>Video.Render</c>, found again by <c>Video.Attach</c> (for
/// their caller only). Each job has a folder under <see cref="GatewayOptions.VideoWorkDirectory"/> with the uploaded
/// clip and the result; it is deleted once a call has streamed the result, or <see cref="KeepFinishedFor"/> after the
/// job ended when nobody did.
/// </summary>
public sealed partial class GatewayVideoJobs(IGrainFactory grains, IOptions<GatewayOptions> options, ILogger<GatewayVideoJobs> logger)
{
    /// <summary>How long a finished job's result waits for a detached caller to re-attach (as the farm keeps finished renders).</summary>
    public static readonly TimeSpan KeepFinishedFor = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, GatewayVideoJob> _jobs = new(StringComparer.Ordinal);
    private readonly string _root = Path.GetFullPath(options.Value.VideoWorkDirectory);

    /// <summary>A new folder for the job's files; a job id that is running here already is refused (attach to it instead).</summary>
    public string Reserve(string jobId)
    {
        if (_jobs.ContainsKey(jobId))
        {
            throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"Video job {jobId} is running at this gateway: follow it with Video.Attach, or choose another id.", "JOB_ID_IN_USE");
        }

        var folder = Path.Combine(_root, $"{jobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    public GatewayVideoJob Start(FarmVideoRequest request, string folder, string mediaType, int previewSide)
    {
        var job = new GatewayVideoJob(request, folder, Path.Combine(folder, mediaType == "video/webm" ? "result.webm" : "result.mp4"), mediaType, previewSide);
        if (!_jobs.TryAdd(request.JobId, job))
        {
            throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"Video job {request.JobId} is running at this gateway: follow it with Video.Attach, or choose another id.", "JOB_ID_IN_USE");
        }

        job.Start(new FarmVideoClient(grains));
        _ = ForgetWhenUnclaimed(job);
        return job;
    }

    /// <summary>The caller's job with this id, or NOT_FOUND (another caller's job does not exist for this one).</summary>
    public GatewayVideoJob Find(string jobId, string caller) =>
        _jobs.TryGetValue(jobId, out var job) && job.Caller == caller
            ? job
            : throw GatewayErrors.NotFound($"No video job {jobId} at this gateway for this caller (finished results are kept {KeepFinishedFor.TotalMinutes:0} minutes).", "JOB_NOT_FOUND");

    /// <summary>The job is over for good (its result streamed, or refused before it started): its files go.</summary>
    public void Forget(GatewayVideoJob job)
    {
        _jobs.TryRemove(new KeyValuePair<string, GatewayVideoJob>(job.JobId, job));
        Delete(job.Folder);
    }

    public void Delete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException exception)
        {
            LogCleanupFailed(logger, exception, folder);
        }
    }

    private async Task ForgetWhenUnclaimed(GatewayVideoJob job)
    {
        try
        {
            await job.Completion;
        }
        catch (Exception)
        {
            // The job's callers see the failure; the files go the same way.
        }

        await Task.Delay(KeepFinishedFor);
        if (_jobs.TryGetValue(job.JobId, out var current) && current == job)
        {
            Forget(job);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the video job folder {Folder}")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception, string folder);
}
