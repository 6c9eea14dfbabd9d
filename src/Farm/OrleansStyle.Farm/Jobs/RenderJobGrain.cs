using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using OrleansStyle.Imaging;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Coordinates one render: validates and plans the job, collects the picture, freezes normalisation statistics
/// from the thumbnail on one worker, then routes tile windows to the least-loaded workers of the cluster, retrying
/// failed tiles elsewhere and streaming finished tiles to watchers. Reentrant: it awaits many workers at once and
/// still answers status, watch and cancel calls. Placed on the submitting silo (the gateway's) so losing a
/// worker silo never loses the job.
/// </summary>
[Reentrant, PreferLocalPlacement]
public sealed partial class RenderJobGrain(
    IModelRegistry models,
    WorkerDirectory directory,
    IOptions<JobOptions> options,
    FarmMetrics metrics,
    ILogger<RenderJobGrain> logger) : Grain, IRenderJobGrain
{
    private readonly JobOptions _options = options.Value;
    private readonly List<JobEvent> _events = [];
    private readonly CancellationTokenSource _cancellation = new();

    // Its own source, so "the deadline fired" is a fact rather than a comparison of clocks (timers may fire a
    // millisecond before the wall clock reaches the deadline).
    private readonly CancellationTokenSource _deadline = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RenderJobSpec? _spec;
    private JobTiling? _tiling;
    private SourceImage? _source;
    private RegionMasks? _masks;
    private JobStatus? _status;
    private Stopwatch? _clock;
    private string? _cancelReason;
    private PlanarImage? _coarse;
    private float _strokeScale = 1f;

    // Masks and style images ride in the spec and in every tile's work: keep them far below Orleans' message cap.
    private const int MaxInlineBytes = 16 << 20;

    private string JobId => this.GetPrimaryKeyString();

    public Task<JobStatus> Submit(RenderJobSpec spec)
    {
        if (_status is not null)
        {
            // The same id again is the same job, but only for its own caller (ids are chosen by callers) and only for
            // the same request: another picture or options under a used id would silently get the first result.
            if (_spec!.Caller != spec.Caller)
            {
                throw new InvalidJobException($"The job id {JobId} is taken by another caller: choose another id, or leave it empty.");
            }

            return _spec.Fingerprint == spec.Fingerprint
                ? Task.FromResult(_status)
                : throw new JobIdInUseException(
                    $"The job id {JobId} already names a different request: choose another id, or send the same request again to re-attach.");
        }

        Validate(spec);
        // The devices' announced limits (their memory) decide, within the coordinator's own bound.
        var tileSize = spec.TileSize > 0 ? spec.TileSize
            : directory.SmallestMaxTileSize() is > 0 and var deviceLimit ? Math.Min(deviceLimit, _options.TileSize)
            : _options.TileSize;
        var overlap = spec.Overlap > 0 ? spec.Overlap : _options.Overlap;

        // The network sees windows shrunk by the stroke scale: its context margin and grid are in shrunk pixels.
        _strokeScale = spec.Method == RenderMethod.Optimize ? 1f
            : StrokeScaling.Resolve(spec.StrokeScale, Math.Max(spec.Width, spec.Height), Math.Min(spec.Width, spec.Height));
        _tiling = new JobTiling(
            spec.Width, spec.Height, tileSize, Math.Min(overlap, tileSize / 2), (int)Math.Ceiling(_options.ContextMargin * _strokeScale),
            StrokeScaling.Alignment(_strokeScale));
        _spec = spec;
        _source = new SourceImage(spec.Width, spec.Height);
        _masks = new RegionMasks(spec.Regions, spec.Width, spec.Height);
        _status = new JobStatus(JobId, JobState.Receiving, spec.Width, spec.Height, tileSize, _tiling.Layout.Overlap, 0, _tiling.Count)
        {
            Caller = spec.Caller,
        };
        metrics.Jobs.Add(1, FarmMetrics.StateTag(JobState.Receiving));
        LogSubmitted(logger, JobId, spec.Model, spec.Width, spec.Height, _tiling.Count);
        return Task.FromResult(_status);
    }

    public Task<JobStatus> AppendSource(SourceBand band)
    {
        var status = _status ?? throw new InvalidJobException($"Job {JobId} has not been submitted: submit its spec before sending the picture.");
        if (status.State != JobState.Receiving)
        {
            return Task.FromResult(status); // late or repeated bands change nothing
        }

        _source!.Add(band);
        if (_source.IsComplete)
        {
            Start();
        }

        return Task.FromResult(_status!);
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(_status ?? throw new InvalidJobException($"There is no job {JobId}."));

    public async IAsyncEnumerable<JobEvent> Watch(int fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_status is null)
        {
            throw new InvalidJobException($"There is no job {JobId}.");
        }

        for (var next = Math.Max(0, fromSequence); ;)
        {
            var changed = _changed.Task;
            while (next < _events.Count)
            {
                var item = _events[next++];
                yield return item;
                if (item is JobFinished)
                {
                    yield break;
                }
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public Task<JobStatus> Cancel(string reason)
    {
        if (_status is { IsFinished: false })
        {
            _cancelReason = string.IsNullOrWhiteSpace(reason) ? "cancelled by the caller" : reason;
            if (_status.State == JobState.Receiving)
            {
                Finish(JobState.Cancelled, _cancelReason);
            }
            else
            {
                _cancellation.Cancel();
            }
        }

        return GetStatus();
    }

    private void Validate(RenderJobSpec spec)
    {
        var problems = new List<string>();
        if (spec.Width < 1 || spec.Height < 1 || (long)spec.Width * spec.Height > _options.MaxPixels)
        {
            problems.Add($"The picture is {spec.Width}×{spec.Height}: give a positive size of at most {_options.MaxPixels} pixels.");
        }
        else if (RenderJobSpec.ShapeProblem(spec.Width, spec.Height) is { } shape)
        {
            throw new InvalidJobException(char.ToUpperInvariant(shape[0]) + shape[1..]); // the thumbnail checks below would only restate it
        }

        if (StrokeScaling.Problem(spec.StrokeScale) is { } strokeProblem)
        {
            problems.Add(strokeProblem);
        }
        else if (spec.Method == RenderMethod.Optimize && spec.StrokeScale != 0)
        {
            problems.Add("The stroke scale applies to feed-forward renders; optimisation sizes its strokes with the style size.");
        }
        else if (spec.Method != RenderMethod.Optimize && spec.Width > 0 && spec.Height > 0
            && StrokeScaling.Resolve(spec.StrokeScale, Math.Max(spec.Width, spec.Height), Math.Min(spec.Width, spec.Height)) is var scale
            && StrokeScaling.Shrunk(Math.Min(spec.Width, spec.Height), scale) < RenderJobSpec.MinSide)
        {
            problems.Add($"Stroke scale {scale} would shrink the {spec.Width}×{spec.Height} picture's short side below {RenderJobSpec.MinSide} pixels: use at most {Math.Min(spec.Width, spec.Height) / RenderJobSpec.MinSide}.");
        }

        if (spec.Method == RenderMethod.Optimize)
        {
            if (spec.Regions.SelectMany(r => r.Styles).Any(s => s.Image is null))
            {
                problems.Add("Optimisation jobs need every style as an image.");
            }
        }
        else if (!models.Contains(spec.Model))
        {
            throw new ModelNotFoundException($"No model '{spec.Model}'. Known models: {string.Join(", ", models.Names())}.");
        }

        if (spec.Regions.IsDefaultOrEmpty)
        {
            problems.Add("Give at least one region with a style.");
        }
        else
        {
            for (var r = 0; r < spec.Regions.Length; r++)
            {
                var region = spec.Regions[r];
                if (region.Styles.IsDefaultOrEmpty || region.Styles.Any(s => !float.IsFinite(s.Weight) || s.Weight < 0) || !(region.Styles.Sum(s => s.Weight) > 0))
                {
                    problems.Add($"Region {r}: give at least one style, with finite non-negative weights that are not all zero.");
                }

                if (region.Mask is { } mask)
                {
                    problems.AddRange(mask.Validate($"Region {r}'s mask"));
                    if (mask.ByteCount > MaxInlineBytes)
                    {
                        problems.Add($"Region {r}'s mask is {mask.Width}×{mask.Height}: send masks of at most {MaxInlineBytes >> 20} MiB (a lower resolution is scaled to each tile).");
                    }

                    if (mask.Channels != 1)
                    {
                        problems.Add($"Region {r}'s mask has {mask.Channels} channels: masks are one grey channel.");
                    }
                    else if (!SameAspect(mask.Width, mask.Height, spec.Width, spec.Height))
                    {
                        problems.Add($"Region {r}'s mask is {mask.Width}×{mask.Height} but the picture is {spec.Width}×{spec.Height}: a mask needs the picture's aspect ratio.");
                    }
                }

                foreach (var style in region.Styles.Where(s => s.Image is not null))
                {
                    problems.AddRange(style.Image!.Validate($"Style image '{style.Name}'"));
                    if (style.Image.ByteCount > MaxInlineBytes)
                    {
                        problems.Add($"Style image '{style.Name}' is {style.Image.Width}×{style.Image.Height}: send style images of at most {MaxInlineBytes >> 20} MiB.");
                    }

                }
            }
        }

        problems.AddRange(spec.Thumbnail.Validate("The thumbnail"));
        if (spec.Thumbnail.ByteCount > MaxInlineBytes)
        {
            problems.Add($"The thumbnail is {spec.Thumbnail.Width}×{spec.Thumbnail.Height}: a long side of {RenderJobSpec.StatisticsSize} is plenty.");
        }

        if (spec.Thumbnail.Channels != 3 || !SameAspect(spec.Thumbnail.Width, spec.Thumbnail.Height, spec.Width, spec.Height))
        {
            problems.Add($"The thumbnail is {spec.Thumbnail.Width}×{spec.Thumbnail.Height}×{spec.Thumbnail.Channels}: it must be RGB with the picture's aspect ratio.");
        }

        if (spec.Color == ColorControlMode.MatchContentColors)
        {
            problems.Add("MatchContentColors is not applied per tile: recolour the style images to the content before submitting (the farm client does) and send Style.");
        }

        if (!float.IsFinite(spec.Alpha) || spec.Alpha is < 0 or > 1)
        {
            problems.Add($"Alpha is {spec.Alpha}: use 0 (content) to 1 (full style).");
        }

        if (spec.TileSize is < 0 or (> 0 and < 64) || spec.Overlap < 0)
        {
            problems.Add($"Tile size {spec.TileSize} / overlap {spec.Overlap}: use 0 (automatic) or a tile of at least 64 pixels and a non-negative overlap.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidJobException(string.Join(" ", problems));
        }
    }

    private static bool SameAspect(int width, int height, int pictureWidth, int pictureHeight) =>
        Math.Abs(((double)width / height) - ((double)pictureWidth / pictureHeight)) <= 0.02 * ((double)pictureWidth / pictureHeight) + (1.0 / height);

    private void Start()
    {
        _status = _status! with { State = JobState.Running };
        metrics.Jobs.Add(-1, FarmMetrics.StateTag(JobState.Receiving));
        metrics.Jobs.Add(1, FarmMetrics.StateTag(JobState.Running));
        _clock = Stopwatch.StartNew();
        if (_spec!.Deadline is { } deadline)
        {
            _deadline.CancelAfter(deadline - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        // The job runs as turns of this grain; keep it resident until it ends.
        DelayDeactivation(TimeSpan.FromHours(6));
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token, _deadline.Token);
        var token = linked.Token;
        try
        {
            if (_spec!.Method == RenderMethod.Optimize)
            {
                _coarse = (await RenderCoarseAsync(token)).ToPlanar();
                if (_coarse.Width == _spec.Width && _coarse.Height == _spec.Height)
                {
                    RecordCoarseAsFinal(); // the picture fit the coarse pass: it already is the full-resolution result
                }
                else
                {
                    await RenderTilesAsync(null, token);
                }
            }
            else
            {
                await RenderTilesAsync(await CaptureStatisticsAsync(token), token);
            }

            _source = null; // the picture is no longer needed; finished tiles stay for watchers
            Finish(JobState.Completed, null);
        }
        catch (Exception) when (_cancelReason is not null && token.IsCancellationRequested)
        {
            Finish(JobState.Cancelled, _cancelReason);
        }
        catch (Exception) when (DeadlinePassed)
        {
            // Workers enforce the deadline too, so a tile may be cancelled a moment before this grain's own timer.
            _status = _status! with { DeadlinePassed = true };
            Finish(JobState.Failed, $"The deadline {_spec!.Deadline:O} passed with {_status.TilesDone} of {_status.TilesTotal} tiles done.");
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, JobId);
            Finish(JobState.Failed, exception.Message);
        }
        finally
        {
            // Finished tiles stay for watchers that re-attach, then the activation may go.
            DelayDeactivation(_options.KeepFinishedJobsFor);
        }
    }

    /// <summary>Optimisation, coarse pass: the whole picture at thumbnail size (with its pyramid) on one worker.</summary>
    private async Task<PixelBuffer> RenderCoarseAsync(CancellationToken token)
    {
        var spec = _spec!;
        var thumbnailLongSide = Math.Max(spec.Thumbnail.Width, spec.Thumbnail.Height);
        var work = new TileWork(JobId, -1, spec.Model, spec.Thumbnail, spec.Regions, null)
        {
            Method = RenderMethod.Optimize,
            Color = spec.Color,
            Deadline = spec.Deadline,
            Iterations = spec.CoarseIterations > 0 ? spec.CoarseIterations : 300,
            Pyramid = true,
            Seed = spec.Seed,
            StyleSize = Math.Max(16, (int)Math.Round(OptimizationStyleSize() * (double)thumbnailLongSide / Math.Max(spec.Width, spec.Height))),
        };
        var router = new TileRouter(_options);
        for (var attempt = 1; ; attempt++)
        {
            var worker = router.Pick(directory.ActiveWorkers())
                ?? throw new InvalidOperationException("No device workers are available in the cluster: start a silo with a device.");
            try
            {
                return (await GrainFactory.GetGrain<IDeviceWorkerGrain>(worker.Key).Optimize(work, token)).Pixels;
            }
            catch (Exception exception) when (IsRetryable(exception, token) && attempt < _options.MaxAttemptsPerTile)
            {
                router.Failed(worker);
            }
        }
    }

    private void RecordCoarseAsFinal()
    {
        for (var tile = 0; tile < _tiling!.Count; tile++)
        {
            var window = _tiling.Window(tile);
            Record(tile, new TileResult(tile, RegionMasks.Cut(_coarse!, window, _spec!.Width, _spec.Height).ToPixelBuffer(), 1, 0, TimeSpan.Zero));
        }
    }

    private int OptimizationStyleSize() => _spec!.StyleSize > 0
        ? _spec.StyleSize
        : Math.Min(Math.Max(_spec.Width, _spec.Height), RenderJobSpec.MaxOptimizationStyleSize);

    private async Task<FrozenStatistics?> CaptureStatisticsAsync(CancellationToken token)
    {
        var spec = _spec!;
        if (_tiling!.Count == 1 && spec.Thumbnail.Width == spec.Width && spec.Thumbnail.Height == spec.Height)
        {
            return null; // the picture is its own thumbnail: one tile's statistics are the thumbnail's
        }

        // Otherwise even a single tile takes the thumbnail's statistics, so the result does not depend on the tile size.

        var work = new StatisticsWork(JobId, spec.Model, StatisticsThumbnail(), spec.Regions, spec.Color) { StyleSize = FeedForwardStyleSize(), Alpha = spec.Alpha, KeepDecoderColors = spec.KeepDecoderColors };
        var router = new TileRouter(_options);
        for (var attempt = 1; ; attempt++)
        {
            var worker = router.Pick(directory.ActiveWorkers())
                ?? throw new InvalidOperationException("No device workers are available in the cluster: start a silo with a device.");
            try
            {
                return await GrainFactory.GetGrain<IDeviceWorkerGrain>(worker.Key).CaptureStatistics(work, token);
            }
            catch (Exception exception) when (IsRetryable(exception, token) && attempt < _options.MaxAttemptsPerTile)
            {
                router.Failed(worker);
            }
        }
    }

    /// <summary>
    /// AdaIN: the style images' long side, by default the long side of the picture the network sees (shrunk by the
    /// stroke scale), as in a whole-picture render: the painting's strokes then keep their size relative to the picture.
    /// </summary>
    private int FeedForwardStyleSize() => _spec!.StyleSize > 0
        ? _spec.StyleSize
        : Math.Max(RenderJobSpec.MinSide, StrokeScaling.Shrunk(Math.Max(_spec.Width, _spec.Height), _strokeScale));

    /// <summary>
    /// The thumbnail at most as large as the picture the network sees (shrunk by the stroke scale), so the statistics
    /// are those of that picture; a thumbnail that is the picture itself is shrunk exactly as the tiles are.
    /// </summary>
    private PixelBuffer StatisticsThumbnail()
    {
        var spec = _spec!;
        var thumbnail = spec.Thumbnail;
        var width = StrokeScaling.Shrunk(spec.Width, _strokeScale);
        var height = StrokeScaling.Shrunk(spec.Height, _strokeScale);
        if (_strokeScale == 1f || Math.Max(width, height) >= Math.Max(thumbnail.Width, thumbnail.Height))
        {
            return thumbnail;
        }

        var planar = thumbnail.ToPlanar();
        return (thumbnail.Width == spec.Width && thumbnail.Height == spec.Height
            ? StrokeScaling.Shrink(planar, _strokeScale)
            : planar.Resize(width, height)).ToPixelBuffer();
    }

    private async Task RenderTilesAsync(FrozenStatistics? statistics, CancellationToken token)
    {
        var spec = _spec!;
        var tiling = _tiling!;
        var router = new TileRouter(_options);
        var pending = new Queue<int>(Enumerable.Range(0, tiling.Count));
        var attempts = new int[tiling.Count];
        var inFlight = new Dictionary<Task<TileResult>, (int Tile, WorkerAddress Worker)>();
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            token.ThrowIfCancellationRequested();
            var workers = directory.ActiveWorkers();
            while (pending.Count > 0 && router.Pick(workers) is { } worker)
            {
                var tile = pending.Dequeue();
                attempts[tile]++;
                var window = tiling.Window(tile);
                var work = new TileWork(JobId, tile, spec.Model, _source!.Crop(window), _masks!.ForWindow(window), statistics)
                {
                    Alpha = spec.Alpha,
                    Color = spec.Color,
                    Deadline = spec.Deadline,
                    StyleSize = FeedForwardStyleSize(),
                    KeepDecoderColors = spec.KeepDecoderColors,
                    StrokeScale = _strokeScale,
                };
                if (spec.Method == RenderMethod.Optimize)
                {
                    // Refine at full resolution from the coarse result, against the picture's style size.
                    work = work with
                    {
                        Method = RenderMethod.Optimize,
                        Init = RegionMasks.Cut(_coarse!, window, spec.Width, spec.Height).ToPixelBuffer(),
                        Iterations = spec.RefineIterations > 0 ? spec.RefineIterations : 100,
                        Seed = spec.Seed,
                        StyleSize = OptimizationStyleSize(),
                    };
                }

                var target = GrainFactory.GetGrain<IDeviceWorkerGrain>(worker.Key);
                inFlight[work.Method == RenderMethod.Optimize ? target.Optimize(work, token) : target.Render(work, token)] = (tile, worker);
                router.Started(worker);
            }

            if (inFlight.Count == 0)
            {
                if (!router.AnyUsable(workers))
                {
                    throw new InvalidOperationException(
                        $"No usable device workers: {workers.Count} active, {router.BlockedCount} blocked after repeated failures; {pending.Count} tiles left.");
                }

                await Task.Delay(_options.OverloadBackoff, token); // every worker is busy or backing off
                continue;
            }

            var done = await Task.WhenAny(inFlight.Keys);
            var (index, from) = inFlight[done];
            inFlight.Remove(done);
            router.Finished(from);
            try
            {
                var result = await done;
                router.Succeeded(from, result.QueueDepth);
                Record(index, result);
            }
            catch (DeviceOverloadedException)
            {
                attempts[index]--; // refused, not failed: it never ran
                router.Overloaded(from);
                pending.Enqueue(index);
            }
            catch (Exception exception) when (IsRetryable(exception, token))
            {
                router.Failed(from);
                _status = _status! with { Retries = _status.Retries + 1 };
                LogTileRetry(logger, JobId, index, from.Key, attempts[index], exception.Message);
                if (attempts[index] >= _options.MaxAttemptsPerTile)
                {
                    throw new InvalidOperationException($"Tile {index} failed {attempts[index]} times; the last error: {exception.Message}", exception);
                }

                pending.Enqueue(index);
            }
        }
    }

    private bool DeadlinePassed =>
        _deadline.IsCancellationRequested || (_spec?.Deadline is { } deadline && DateTimeOffset.UtcNow >= deadline);

    /// <summary>Failures of a worker or silo are retried elsewhere; bad jobs, cancellation and expiry are not.</summary>
    private bool IsRetryable(Exception exception, CancellationToken token) =>
        !token.IsCancellationRequested && !DeadlinePassed && exception is not (InvalidJobException or ModelNotFoundException or ArgumentException);

    private void Record(int tile, TileResult result)
    {
        var keep = _tiling!.Keep(tile);
        var pixels = keep.Width == result.Pixels.Width && keep.Height == result.Pixels.Height
            ? result.Pixels
            : result.Pixels.Crop(keep);
        var done = _status!.TilesDone + 1;
        var elapsed = _clock!.Elapsed;
        _status = _status with { TilesDone = done, Eta = elapsed / done * (_status.TilesTotal - done) };
        var rect = _tiling.Layout.Tiles[tile].ToRect();
        Publish(new TileRendered(_events.Count, tile, rect, pixels, _status));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // An upload abandoned half-way never finishes: it leaves the count of unfinished jobs with its activation.
        if (_status is { IsFinished: false } unfinished)
        {
            metrics.Jobs.Add(-1, FarmMetrics.StateTag(unfinished.State));
        }

        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void Finish(JobState state, string? error)
    {
        if (!_status!.IsFinished)
        {
            metrics.Jobs.Add(-1, FarmMetrics.StateTag(_status.State));
            metrics.JobsFinished.Add(1, FarmMetrics.StateTag(state));
        }

        _status = _status! with { State = state, Error = error, Eta = null };
        LogFinished(logger, JobId, state, _status.TilesDone, _status.TilesTotal, _clock?.Elapsed.TotalSeconds ?? 0, error);
        Publish(new JobFinished(_events.Count, _status));
    }

    private void Publish(JobEvent item)
    {
        _events.Add(item);
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: model {Model}, {Width}×{Height}, {Tiles} tiles")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string model, int width, int height, int tiles);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: tile {Tile} failed on {Worker} (attempt {Attempt}): {Reason}")]
    private static partial void LogTileRetry(ILogger logger, string jobId, int tile, string worker, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {State}: {Done}/{Total} tiles in {Seconds:F1} s {Error}")]
    private static partial void LogFinished(ILogger logger, string jobId, JobState state, int done, int total, double seconds, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);
}
