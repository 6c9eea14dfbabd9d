using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// Coordinates one video job: captures the clip's frozen statistics once from its keyframes, takes frames from the
/// caller into a bounded window, renders them on every worker at once (<see cref="FrameDispatcher"/>), keeps each
/// finished frame on disk (<see cref="IVideoFrameStore"/>) and streams them back in order. A job id submitted again
/// after its caller (or this silo) died finds its frames on disk and renders only the rest. Reentrant, so frames,
/// watchers and status calls interleave; placed on the caller's silo so losing a worker silo never loses the job.
/// </summary>
[Reentrant, CoordinatorPlacement]
public sealed partial class VideoJobGrain(
    IModelRegistry models,
    WorkerDirectory directory,
    IVideoFrameStore store,
    IOptions<JobOptions> jobOptions,
    IOptions<VideoOptions> videoOptions,
    FarmMetrics metrics,
    ILogger<VideoJobGrain> logger) : Grain, IVideoJobGrain
{
    private readonly JobOptions _jobOptions = jobOptions.Value;
    private readonly int _window = videoOptions.Value.MaxFramesInFlight;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly HashSet<int> _done = [];
    private readonly HashSet<int> _accepted = []; // taken into the window, not yet on disk
    private TaskCompletionSource _changed = NewSignal();
    private VideoJobSpec? _spec;
    private VideoJobStatus? _status;
    private FrameDispatcher? _dispatcher;
    private TemporalFrameChain? _chain; // optimisation tied frame to frame: frame t goes once t−1 is done
    private RegionMasks? _masks;
    private JobTiling? _tiling; // null: frames go whole
    private readonly Dictionary<int, FrameMosaic> _mosaics = [];
    private Task<FrozenStatistics?>? _statistics;
    private Stopwatch? _clock;
    private int? _frameCount;
    private string? _cancelReason;

    private string JobId => this.GetPrimaryKeyString();

    public async Task<VideoJobStatus> Submit(VideoJobSpec spec)
    {
        if (_status is not null)
        {
            if (_spec!.Caller != spec.Caller)
            {
                throw new InvalidJobException($"The job id {JobId} is taken by another caller: choose another id, or leave it empty.");
            }

            return _spec.Fingerprint == spec.Fingerprint
                ? _status
                : throw new JobIdInUseException($"The job id {JobId} already names a different video request: choose another id, or send the same request again to re-attach.");
        }

        Validate(spec);
        var held = await store.OpenAsync(JobId, spec.Fingerprint, spec.Width, spec.Height);
        if (_status is not null)
        {
            return await Submit(spec); // a second submission arrived while this one read the spool
        }

        _done.UnionWith(held);
        _spec = spec;
        _masks = new RegionMasks(spec.Regions, spec.Width, spec.Height);
        _tiling = VideoFrameTiling.For(spec.Width, spec.Height, directory.SmallestMaxTileSize(), _jobOptions, spec.Keyframes is not null);
        _dispatcher = new FrameDispatcher(_jobOptions, directory, GrainFactory);
        _chain = TemporalFrameChain.For(spec, (frame, token) => store.ReadAsync(JobId, frame, spec.Width, spec.Height, token));
        _status = new VideoJobStatus(JobId, JobState.Running, spec.Width, spec.Height, held.Count, Math.Max(spec.ExpectedFrames, held.Count))
        {
            FramesResumed = held.Count,
            Caller = spec.Caller,
        };
        _clock = Stopwatch.StartNew();
        metrics.VideoJobs.Add(1);
        metrics.VideoFrames.Add(held.Count, FarmMetrics.ModelTag(spec.Model), FarmMetrics.SourceTag("resumed"));
        LogSubmitted(logger, JobId, spec.Model, spec.Width, spec.Height, spec.ExpectedFrames, held.Count);
        DelayDeactivation(TimeSpan.FromHours(6)); // the job runs as turns of this grain; keep it resident until it ends
        _statistics = CaptureStatisticsAsync(_cancellation.Token);
        _ = RunAsync();
        return _status;
    }

    public async Task<VideoJobStatus> AppendFrame(int index, PixelBuffer frame)
    {
        var spec = _spec ?? throw new InvalidJobException($"Video job {JobId} has not been submitted: submit its spec before sending frames.");
        if (frame.Width != spec.Width || frame.Height != spec.Height || frame.Channels != 3 || frame.Validate("The frame").Count > 0)
        {
            throw new InvalidJobException($"Frame {index} is {frame.Width}×{frame.Height}×{frame.Channels}: this job takes {spec.Width}×{spec.Height} RGB frames.");
        }

        if (index < 0 || index >= _frameCount)
        {
            throw new InvalidJobException($"Frame {index} is outside the clip's {_frameCount} frames.");
        }

        // Bounded memory: the caller waits here while the window is full.
        while (!_status!.IsFinished && _accepted.Count >= _window && !_done.Contains(index) && !_accepted.Contains(index))
        {
            await _changed.Task;
        }

        if (_status.IsFinished || _done.Contains(index) || !_accepted.Add(index))
        {
            if (_done.Contains(index))
            {
                _chain?.Held(index, frame, _done);
            }

            return _status; // held already (resumed or sent twice), or the job ended
        }

        metrics.VideoFramesInFlight.Add(1);

        if (_chain is not null)
        {
            _chain.Add(Work(index, frame, new PixelRect(0, 0, spec.Width, spec.Height)));
        }
        else if (_tiling is null)
        {
            _dispatcher!.Enqueue(Work(index, frame, new PixelRect(0, 0, spec.Width, spec.Height)));
        }
        else
        {
            // Tile t of frame i is tile i·count + t on the devices; the frame is done when all its tiles are.
            for (var tile = 0; tile < _tiling.Count; tile++)
            {
                var window = _tiling.Window(tile);
                _dispatcher!.Enqueue(Work((index * _tiling.Count) + tile, frame.Crop(window), window));
            }
        }

        Signal();
        return _status;
    }

    private TileWork Work(int tileIndex, PixelBuffer content, PixelRect window) =>
        new(JobId, tileIndex, _spec!.Model, content, _masks!.ForWindow(window), Statistics: null)
        {
            Options = _spec.Options,
            StyleSize = _spec.Options.StyleSize,
            Iterations = _spec.Options.CoarseIterations > 0 ? _spec.Options.CoarseIterations : VideoJobSpec.DefaultOptimizationIterations, // optimisation: a frame is a whole picture
            Pyramid = true,
        };

    /// <summary>The finished frame a device result completes (a whole frame, or a big frame's last tile), else null.</summary>
    private (int Frame, PixelBuffer Pixels)? Completed(TileResult result)
    {
        if (_tiling is null)
        {
            return (result.TileIndex, result.Pixels);
        }

        var frame = result.TileIndex / _tiling.Count;
        if (!_mosaics.TryGetValue(frame, out var mosaic))
        {
            _mosaics[frame] = mosaic = new FrameMosaic(_tiling);
        }

        if (mosaic.Add(result.TileIndex % _tiling.Count, result.Pixels) is not { } pixels)
        {
            return null;
        }

        _mosaics.Remove(frame);
        mosaic.Dispose();
        return (frame, pixels);
    }

    public Task<VideoJobStatus> EndOfFrames(int frameCount)
    {
        var status = _status ?? throw new InvalidJobException($"There is no video job {JobId}.");
        if (frameCount < 1 || _done.Concat(_accepted).Any(i => i >= frameCount))
        {
            throw new InvalidJobException($"The clip cannot have {frameCount} frames: frames up to {_done.Concat(_accepted).DefaultIfEmpty(-1).Max()} were sent.");
        }

        _frameCount = frameCount;
        _status = status with { FramesTotal = frameCount, FrameCountKnown = true };
        Signal();
        return Task.FromResult(_status);
    }

    public Task<VideoJobStatus> GetStatus() => Task.FromResult(_status ?? throw new InvalidJobException($"There is no video job {JobId}."));

    public async IAsyncEnumerable<VideoEvent> Watch(int fromFrame, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var spec = _spec ?? throw new InvalidJobException($"There is no video job {JobId}.");
        for (var next = Math.Max(0, fromFrame); ;)
        {
            var changed = _changed.Task;
            if (_done.Contains(next) && _status!.State is JobState.Running or JobState.Completed)
            {
                var pixels = await store.ReadAsync(JobId, next, spec.Width, spec.Height, cancellationToken);
                yield return new VideoFrameReady(next, pixels, _status);
                next++;
                continue;
            }

            if (_status!.IsFinished)
            {
                yield return new VideoFinished(_status);
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public Task<VideoJobStatus> Cancel(string reason)
    {
        if (_status is { IsFinished: false })
        {
            _cancelReason = string.IsNullOrWhiteSpace(reason) ? "cancelled by the caller" : reason;
            _cancellation.Cancel();
        }

        return GetStatus();
    }

    public Task Release()
    {
        if (_status is { IsFinished: true })
        {
            store.Delete(JobId);
            DeactivateOnIdle();
        }

        return Task.CompletedTask;
    }

    private void Validate(VideoJobSpec spec)
    {
        if (RenderJobSpec.ShapeProblem(spec.Width, spec.Height) is { } shape)
        {
            throw new InvalidJobException(char.ToUpperInvariant(shape[0]) + shape[1..]);
        }

        if (spec.Options.Method != RenderMethod.Optimize && !models.Contains(spec.Model))
        {
            throw new ModelNotFoundException($"No model '{spec.Model}'. Known models: {string.Join(", ", models.Names())}.");
        }

        var problems = new List<string>();
        if (spec.Regions.IsDefaultOrEmpty || spec.Regions.Any(r => r.Styles.IsDefaultOrEmpty || r.Styles.Any(s => !float.IsFinite(s.Weight) || s.Weight < 0) || !(r.Styles.Sum(s => s.Weight) > 0)))
        {
            problems.Add("Give at least one region with styles whose weights are finite, non-negative and not all zero.");
        }

        if (spec.Keyframes is { } keyframes && (keyframes.Channels != 3 || keyframes.Validate("The keyframes").Count > 0))
        {
            problems.Add($"The keyframe sheet is {keyframes.Width}×{keyframes.Height}×{keyframes.Channels}: send RGB with matching bytes.");
        }

        problems.AddRange(VideoJobSpec.OptimizationProblems(spec));
        if (spec.Options.Color == ColorControlMode.MatchContentColors)
        {
            problems.Add("MatchContentColors is not applied per frame: recolour the style images to the content before submitting and send Style.");
        }

        if (!float.IsFinite(spec.Options.Alpha) || spec.Options.Alpha is < 0 or > 1)
        {
            problems.Add($"Alpha is {spec.Options.Alpha}: use 0 (content) to 1 (full style).");
        }

        if (string.IsNullOrEmpty(spec.Fingerprint))
        {
            problems.Add("The request has no fingerprint: frames kept for resuming must name the request they belong to.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidJobException(string.Join(" ", problems));
        }
    }

    /// <summary>Once per job, on one worker: the keyframe sheet's statistics, frozen for every frame.</summary>
    private async Task<FrozenStatistics?> CaptureStatisticsAsync(CancellationToken token)
    {
        var spec = _spec!;
        if (spec.Keyframes is null)
        {
            return null;
        }

        var work = new StatisticsWork(JobId, spec.Model, spec.Keyframes, spec.Regions) { Options = spec.Options };
        var router = new TileRouter(_jobOptions);
        for (var attempt = 1; ; attempt++)
        {
            var worker = router.Pick(directory.ActiveWorkers())
                ?? throw new InvalidOperationException("No device workers are available in the cluster: start a silo with a device.");
            try
            {
                return await GrainFactory.GetGrain<IDeviceWorkerGrain>(worker.Key).CaptureStatistics(work, token);
            }
            catch (Exception exception) when (!token.IsCancellationRequested && exception is not (InvalidJobException or ModelNotFoundException or ArgumentException) && attempt < _jobOptions.MaxAttemptsPerTile)
            {
                router.Failed(worker);
            }
        }
    }

    private async Task RunAsync()
    {
        var token = _cancellation.Token;
        try
        {
            var statistics = await _statistics!;
            while (!IsComplete)
            {
                token.ThrowIfCancellationRequested();
                var wake = _changed.Task;
                foreach (var frame in _chain is null ? [] : await _chain.ReadyAsync(_done, token))
                {
                    _dispatcher!.Enqueue(frame);
                }

                var result = await _dispatcher!.NextAsync(wake, statistics, (worker, frame, reason) => LogFrameRetry(logger, JobId, frame, worker, reason), token);
                if (result is not null && Completed(result) is { } finished)
                {
                    await store.WriteAsync(JobId, finished.Frame, finished.Pixels, token);
                    _accepted.Remove(finished.Frame);
                    _done.Add(finished.Frame);
                    metrics.VideoFramesInFlight.Add(-1);
                    metrics.VideoFrames.Add(1, FarmMetrics.ModelTag(_spec!.Model), FarmMetrics.SourceTag("rendered"));
                    Progress(rendered: 1);
                }
                else
                {
                    Progress(rendered: 0); // retries are counted by the dispatcher
                }
            }

            Finish(JobState.Completed, null);
        }
        catch (Exception) when (_cancelReason is not null && token.IsCancellationRequested)
        {
            Finish(JobState.Cancelled, _cancelReason);
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, JobId);
            Finish(JobState.Failed, exception.Message);
        }
        finally
        {
            DelayDeactivation(_jobOptions.KeepFinishedJobsFor); // watchers may still re-attach for the frames on disk
        }
    }

    private bool IsComplete => _frameCount is { } count && _done.Count(i => i < count) == count;

    private void Progress(int rendered)
    {
        var status = _status!;
        var done = _done.Count;
        var total = Math.Max(_frameCount ?? Math.Max(status.FramesTotal, done), done);
        var renderedTotal = status.FramesRendered + rendered;
        var fps = renderedTotal / Math.Max(_clock!.Elapsed.TotalSeconds, 1e-3);
        _status = status with
        {
            FramesDone = done,
            FramesTotal = total,
            FramesRendered = renderedTotal,
            FramesPerSecond = fps,
            Retries = _dispatcher!.Retries,
            Eta = fps > 0 ? TimeSpan.FromSeconds((total - done) / fps) : null,
        };
        if (rendered > 0)
        {
            Signal();
        }
    }

    private void Finish(JobState state, string? error)
    {
        _status = _status! with { State = state, Error = error, Eta = null };
        metrics.VideoFramesInFlight.Add(-_accepted.Count); // a failed or cancelled job's window is dropped
        metrics.VideoJobs.Add(-1);
        metrics.VideoJobsFinished.Add(1, FarmMetrics.StateTag(state));
        LogFinished(logger, JobId, state, _status.FramesDone, _status.FramesTotal, _status.FramesRendered, _clock!.Elapsed.TotalSeconds, error);
        Signal();
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId}: model {Model}, {Width}×{Height}, about {Frames} frames, {Resumed} resumed from disk")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string model, int width, int height, int frames, int resumed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video job {JobId}: frame {Frame} failed on {Worker}: {Reason}")]
    private static partial void LogFrameRetry(ILogger logger, string jobId, int frame, string worker, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video job {JobId} {State}: {Done}/{Total} frames ({Rendered} rendered by this run) in {Seconds:F1} s {Error}")]
    private static partial void LogFinished(ILogger logger, string jobId, JobState state, int done, int total, int rendered, double seconds, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Video job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

}
