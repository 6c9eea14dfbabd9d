using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Limits;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.Security;
using OrleansStyle.Gateway.Shutdown;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Gateway.Video;

namespace OrleansStyle.Gateway.Services;

/// <summary>
/// orleansstyle.v1.Video: a header, then the clip (or a library clip's name) and AdaIN style images in chunks; the
/// clip is probed before any frame is rendered. The job then runs at this gateway apart from the call
/// (<see cref="GatewayVideoJobs"/>): the call follows its progress and previews and receives the encoded result.
/// Ending the call cancels the job unless the header detaches it; Attach follows it again by id.
/// </summary>
public sealed class VideoService(
    VideoPlanner planner,
    ClipLibrary clips,
    GatewayVideoJobs jobs,
    CallerJobLimiter limiter,
    GatewayDrain drain,
    IOptions<GatewayOptions> options) : V1.Video.VideoBase
{
    private readonly GatewayOptions _options = options.Value;

    public override async Task<ListClipsResponse> ListClips(ListClipsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = new ListClipsResponse();
        response.Clips.AddRange((await clips.DescribeAsync(context.CancellationToken)).Select(c => VideoWire.Clip(c.Name, c.Info, c.Bytes)));
        return response;
    }

    public override async Task Render(IAsyncStreamReader<VideoRequest> requestStream, IServerStreamWriter<VideoEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        // A gateway that shuts down ends the call when its grace period is over (a detached job goes on until then).
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drain.GraceOver);
        limit.CancelAfter(_options.MaxStreamDuration);
        var token = limit.Token;
        if (!await requestStream.MoveNext(token) || requestStream.Current.PayloadCase != VideoRequest.PayloadOneofCase.Header)
        {
            throw GatewayErrors.InvalidArgument("header", "the first message of a video render must be its VideoHeader.");
        }

        var header = requestStream.Current.Header;
        planner.Validate(header);
        var caller = CallerIdentity.Get(context);
        using var slot = limiter.Acquire(caller);
        var jobId = header.JobId.Length > 0 ? header.JobId : JobIds.New();
        var folder = jobs.Reserve(jobId);
        GatewayVideoJob? job = null;
        try
        {
            var library = planner.LibraryClip(header);
            var clip = library ?? Path.Combine(folder, "clip");
            var upload = await VideoUpload.ReadAsync(requestStream, header, Path.Combine(folder, "clip"), _options, token);
            if (library is null && !upload.HasClip)
            {
                throw GatewayErrors.InvalidArgument("clip", "no clip arrived: send it as CLIP chunks after the header, or name one of the clip library with library_clip.");
            }

            var (request, mediaType) = await planner.BuildAsync(header, clip, upload, jobId, caller, token);
            job = jobs.Start(request, folder, mediaType, header.PreviewSide);
            await responseStream.WriteAsync(new VideoEvent { Accepted = VideoWire.Info(request, null) }, token);
            await StreamAsync(job, header.OutputFormat, responseStream, token);
            jobs.Forget(job);
        }
        catch (Exception) when (job is not null && token.IsCancellationRequested)
        {
            if (header.DetachOnDisconnect)
            {
                job.Detached = true; // it runs on; Attach finds it
            }
            else
            {
                job.Cancel();
            }

            throw;
        }
        catch (Exception) when (job is not null)
        {
            jobs.Forget(job);
            throw;
        }
        catch (Exception)
        {
            jobs.Delete(folder); // refused before it started: nothing stays
            throw;
        }
    }

    public override async Task Attach(AttachVideoRequest request, IServerStreamWriter<VideoEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var job = jobs.Find(request.JobId, CallerIdentity.Get(context));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        limit.CancelAfter(_options.MaxStreamDuration);
        await responseStream.WriteAsync(new VideoEvent { Accepted = VideoWire.Info(job.Request, job.Latest) }, limit.Token);
        try
        {
            await StreamAsync(job, job.MediaType == "video/webm" ? VideoFormat.Webm : VideoFormat.Mp4, responseStream, limit.Token);
        }
        catch (Exception) when (limit.Token.IsCancellationRequested)
        {
            throw; // the job runs on for another attach
        }
        catch (Exception)
        {
            jobs.Forget(job);
            throw;
        }

        jobs.Forget(job);
    }

    public override Task<VideoJobInfo> Cancel(CancelVideoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var job = jobs.Find(request.JobId, CallerIdentity.Get(context));
        job.Cancel();
        return Task.FromResult(VideoWire.Info(job.Request, job.Latest));
    }

    /// <summary>Progress and previews while the job runs, then the encoded result in chunks and the summary.</summary>
    private async Task StreamAsync(GatewayVideoJob job, VideoFormat format, IServerStreamWriter<VideoEvent> stream, CancellationToken token)
    {
        var lastDone = -1;
        var lastPreview = -1;
        while (true)
        {
            var changed = job.Changed;
            if (job.Latest is { } status && status.FramesDone != lastDone)
            {
                lastDone = status.FramesDone;
                await stream.WriteAsync(new VideoEvent { Progress = VideoWire.Info(job.Request, status) }, token);
            }

            if (job.Preview is { } preview && preview.Frame != lastPreview)
            {
                lastPreview = preview.Frame;
                await stream.WriteAsync(new VideoEvent { Preview = new VideoPreview { Frame = preview.Frame, Width = preview.Width, Height = preview.Height, Png = ByteString.CopyFrom(preview.Png) } }, token);
            }

            if (job.Completion.IsCompleted)
            {
                break;
            }

            await changed.WaitAsync(token);
        }

        Farm.Video.VideoJobStatus finished;
        try
        {
            finished = await job.Completion;
        }
        catch (InvalidDataException corrupt)
        {
            // Decoding failed part-way: the clip's stream is damaged after a readable start.
            throw GatewayErrors.InvalidArgument("clip", $"the clip could not be decoded to the end: {corrupt.Message}", "VIDEO_CORRUPT");
        }

        long offset = 0;
        var buffer = new byte[_options.ResultChunkBytes];
        await using (var file = File.OpenRead(job.Output))
        {
            int read;
            while ((read = await file.ReadAsync(buffer, token)) > 0)
            {
                await stream.WriteAsync(new VideoEvent { Result = new ResultChunk { Offset = offset, Data = ByteString.CopyFrom(buffer, 0, read) } }, token);
                offset += read;
            }
        }

        await stream.WriteAsync(new VideoEvent
        {
            Summary = new VideoSummary
            {
                Job = VideoWire.Info(job.Request, finished),
                Format = format == VideoFormat.Webm ? VideoFormat.Webm : VideoFormat.Mp4,
                MediaType = job.MediaType,
                ResultBytes = offset,
                Elapsed = Duration.FromTimeSpan(job.Clock.Elapsed),
            },
        }, token);
    }
}
