using System.Runtime.ExceptionServices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// Stylises a clip on the farm: decodes it with ffmpeg and feeds the frames to the job's coordinator (each call waits
/// while the job's window of frames in flight is full, so memory stays bounded), while the frames coming back in
/// order go straight into the encoder. Submitting with the id of a job that was killed part-way resumes it: the
/// coordinator renders only the frames it does not hold on disk. Once the output is written the job's frames are
/// released.
/// </summary>
public sealed class FarmVideoClient(IGrainFactory grains)
{
    private const int WatchReconnects = 5;

    /// <summary>
    /// Renders <paramref name="request"/> into <paramref name="output"/> (format from its extension). <paramref name="onFrame"/>
    /// sees every finished frame in order (e.g. for previews) before it is encoded.
    /// </summary>
    public async Task<VideoJobStatus> RenderAsync(
        FarmVideoRequest request, string output, IProgress<VideoJobStatus>? progress = null,
        Func<VideoFrameReady, CancellationToken, ValueTask>? onFrame = null, CancellationToken cancellationToken = default)
    {
        var job = grains.GetGrain<IVideoJobGrain>(request.JobId);
        var status = await SubmitAsync(request, cancellationToken);
        progress?.Report(status);
        try
        {
            await using var writer = VideoFrameWriter.Create(output, request.Width, request.Height, request.Clip, request.Info, request.Segment);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var feed = Guard(FeedAsync(job, request, failed.Token), failed);
            await using var temporal = request.Temporal is { } blend ? new TemporalFrameStage(request, blend) : null;
            var collect = Guard(CollectAsync(job, writer, temporal, progress, onFrame, failed.Token), failed);
            try
            {
                await Task.WhenAll(feed, collect);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested
                && new[] { feed, collect }.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not (null or OperationCanceledException)) is { } cause)
            {
                // The side that failed first says why; the other one only stopped because of it.
                ExceptionDispatchInfo.Throw(cause);
            }

            status = await collect;
            if (status.State != JobState.Completed)
            {
                throw new FarmVideoFailedException(status);
            }

            await writer.CompleteAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await job.Cancel("the caller cancelled");
            throw;
        }

        await job.Release();
        return status;
    }

    /// <summary>Submits the job (or finds the one with this id, resuming it), with the keyframes for frozen statistics.</summary>
    public async Task<VideoJobStatus> SubmitAsync(FarmVideoRequest request, CancellationToken cancellationToken = default)
    {
        var keyframes = request.FreezeStatistics
            ? (await VideoKeyframes.SheetAsync(request.Clip, request.Segment, request.Segment.LengthIn(request.Info), request.Width, request.Height, cancellationToken)).ToPixelBuffer()
            : null;
        return await grains.GetGrain<IVideoJobGrain>(request.JobId).Submit(new VideoJobSpec(request.Model, request.Width, request.Height, request.Regions, keyframes)
        {
            ExpectedFrames = request.ExpectedFrames,
            Alpha = request.Alpha,
            Color = request.Color,
            StyleSize = request.StyleSize,
            KeepDecoderColors = request.KeepDecoderColors,
            Caller = request.Caller,
            Fingerprint = await VideoFingerprint.OfAsync(request, cancellationToken),
        });
    }

    private static async Task<VideoJobStatus> FeedAsync(IVideoJobGrain job, FarmVideoRequest request, CancellationToken cancellationToken)
    {
        await using var reader = VideoFrameReader.Open(request.Clip, request.Width, request.Height, request.Segment);
        var index = 0;
        while (await reader.ReadRgbAsync(cancellationToken) is { } frame)
        {
            var status = await job.AppendFrame(index++, new PixelBuffer(request.Width, request.Height, 3, frame));
            if (status.IsFinished && status.State != JobState.Completed)
            {
                return status; // the collector reports why
            }
        }

        return await job.EndOfFrames(index);
    }

    private static async Task<VideoJobStatus> CollectAsync(
        IVideoJobGrain job, VideoFrameWriter writer, TemporalFrameStage? temporal, IProgress<VideoJobStatus>? progress,
        Func<VideoFrameReady, CancellationToken, ValueTask>? onFrame, CancellationToken cancellationToken)
    {
        var next = 0;
        for (var reconnects = 0; ; reconnects++)
        {
            try
            {
                // Frames are large: fetch them two at a time rather than Orleans' default batches of a hundred.
                await foreach (var item in job.Watch(next, cancellationToken).WithBatchSize(2).WithCancellation(cancellationToken))
                {
                    switch (item)
                    {
                        case VideoFrameReady ready:
                            var frame = temporal is null ? ready : ready with { Pixels = await temporal.BlendNextAsync(ready.Pixels, cancellationToken) };
                            if (onFrame is not null)
                            {
                                await onFrame(frame, cancellationToken);
                            }

                            await writer.WriteRgbAsync(frame.Pixels.Data, cancellationToken);
                            next = frame.Index + 1;
                            progress?.Report(frame.Progress with { FramesDone = Math.Max(frame.Progress.FramesDone, next) });
                            break;
                        case VideoFinished finished:
                            progress?.Report(finished.Status);
                            return finished.Status;
                    }
                }
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or InvalidJobException or VideoEncodingException) && reconnects < WatchReconnects)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 << reconnects), cancellationToken);
            }
        }
    }

    /// <summary>One side failing (the decoder, the encoder, the job) stops the other at once.</summary>
    private static async Task<VideoJobStatus> Guard(Task<VideoJobStatus> work, CancellationTokenSource stopOthers)
    {
        try
        {
            return await work;
        }
        catch
        {
            await stopOthers.CancelAsync();
            throw;
        }
    }
}

/// <summary>The video job ended without completing; <see cref="Status"/> says how and why.</summary>
public sealed class FarmVideoFailedException(VideoJobStatus status)
    : Exception($"Video job {status.JobId} {status.State.ToString().ToLowerInvariant()}: {status.Error}")
{
    public VideoJobStatus Status { get; } = status;
}
