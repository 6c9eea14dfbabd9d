using System.Diagnostics;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Coordinates one render: accepts the spec (<see cref="RenderJobValidator"/>, <see cref="RenderJobPlanner"/>),
/// spools the picture as it arrives, freezes normalisation statistics from the thumbnail on one worker, then has the
/// <see cref="TileScheduler"/> route tile windows to the cluster's workers, spooling each finished tile and streaming
/// it to watchers (<see cref="JobEventStore"/>). Durable: its bookkeeping (<see cref="RenderJobState"/>) is grain
/// state and its pixels are in the <see cref="JobSpool"/>, so when its silo dies the next call or its reminder
/// activates it elsewhere and it continues: finished tiles are not rendered again, in-flight ones are sent again.
/// Reentrant: it awaits many workers at once and still answers status, watch and cancel calls.
/// </summary>
[Reentrant, CoordinatorPlacement]
public sealed partial class RenderJobGrain(
    [PersistentState("render", FarmStorage.Jobs)] IPersistentState<RenderJobState> state,
    RenderJobValidator validator,
    RenderJobPlanner planner,
    JobSpool spool,
    PixelBufferPool windows,
    Serializer serializer,
    WorkerDirectory directory,
    IOptions<JobOptions> options,
    FarmMetrics metrics,
    ILogger<RenderJobGrain> logger) : Grain, IRenderJobGrain, IRemindable
{
    private const string ReminderName = "render-job";

    // Reminders tick at most once a minute; they bring back jobs nobody is watching, and end retention.
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private readonly JobOptions _options = options.Value;
    private readonly CancellationTokenSource _cancellation = new();

    // Its own source, so "the deadline fired" is a fact rather than a comparison of clocks (timers may fire a
    // millisecond before the wall clock reaches the deadline).
    private readonly CancellationTokenSource _deadline = new();

    // The activation is going (its silo stops, or it was told to): the work stops without recording an outcome,
    // and the next activation continues it from the persisted state.
    private readonly CancellationTokenSource _leaving = new();

    // Tile windows out on calls to workers, by tile: returned to the pool once the call that carried one completed.
    private readonly Dictionary<int, byte[]> _lentWindows = [];

    // Where workers read windows (the picture's bands, complete once tiles are sent); each tile adds its rectangle.
    private SpooledWindow? _spooledPicture;
    private StateWriter? _writer;
    private JobEventStore? _events;
    private Task? _accepting;
    private RenderJobSpec? _spec;
    private JobTiling? _tiling;
    private SpooledSource? _source;
    private RegionMasks? _masks;
    private Stopwatch? _clock;
    private string? _cancelReason;
    private PlanarImage? _coarse;
    private bool _running;
    private bool _reminded;
    private DateTimeOffset _lastBand = DateTimeOffset.UtcNow;

    private string JobId => this.GetPrimaryKeyString();

    private RenderJobState Saved => state.State;

    private JobStatus? Status
    {
        get => Saved.Status;
        set => Saved.Status = value;
    }

    private StateWriter Writer => _writer!;

    private JobEventStore Events => _events!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new StateWriter(state.WriteStateAsync, logger, $"Job {JobId}");
        _events = new JobEventStore(Saved.Finished);
        if (Status is not { } status)
        {
            return;
        }

        _tiling = RenderJobPlanner.Replan(status, Saved.ContextMargin, Saved.StrokeScale);
        Events.Publish(Saved.Finished.Count, status.IsFinished ? status : null);
        if (status.IsFinished)
        {
            return;
        }

        metrics.Jobs.Add(1, FarmMetrics.StateTag(status.State));
        try
        {
            _spec = serializer.Deserialize<RenderJobSpec>(await spool.ReadAsync(JobId, RenderJobSpoolKeys.Spec, cancellationToken));
        }
        catch (SpoolItemMissingException exception)
        {
            await FinishAsync(JobState.Failed, $"The job's spooled spec is gone ({exception.Message}); submit it again.");
            return;
        }

        _source = new SpooledSource(spool, JobId, status.Width, status.Height, Saved.Bands);
        _masks = new RegionMasks(_spec!.Regions, status.Width, status.Height);
        if (status.State == JobState.Running)
        {
            // Written at once: a stale activation still running elsewhere (its silo declared dead but not yet gone)
            // now conflicts on its next write and stops, instead of recording an outcome over this one.
            Status = status with { Resumptions = status.Resumptions + 1 };
            await Writer.WriteAsync();
            LogResumed(logger, JobId, status.TilesDone, status.TilesTotal);
            Start();
        }
    }

    public async Task<JobStatus> Submit(RenderJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Status is null)
        {
            // Reentrant: a second Submit while the first is still spooling joins it, so one id is accepted once.
            var accepting = _accepting ??= Accept(spec);
            try
            {
                await accepting;
            }
            catch
            {
                if (ReferenceEquals(_accepting, accepting))
                {
                    _accepting = null;
                }

                throw;
            }
        }

        // The same id again is the same job, but only for its own caller (ids are chosen by callers) and only for
        // the same request: another picture or options under a used id would silently get the first result.
        if (Status!.Caller != spec.Caller)
        {
            throw new InvalidJobException($"The job id {JobId} is taken by another caller: choose another id, or leave it empty.");
        }

        if (Saved.Fingerprint != spec.Fingerprint)
        {
            throw new JobIdInUseException(
                $"The job id {JobId} already names a different request: choose another id, or send the same request again to re-attach.");
        }

        // After the state is stored, and again on a resubmission: a reminder store that failed for a moment (a Redis
        // timeout under load, seen in the chaos runs) fails this Submit, and the caller's retry registers it.
        if (!_reminded && !Status.IsFinished)
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            _reminded = true;
        }

        return Status;
    }

    private async Task Accept(RenderJobSpec spec)
    {
        validator.Validate(spec);
        var tiling = planner.Plan(spec);

        // Anything spooled under this id belongs to no job (its state was never written, or was purged).
        spool.DeleteJob(JobId);
        await spool.TryWriteAsync(JobId, RenderJobSpoolKeys.Spec, serializer.SerializeToArray(spec));
        Saved.Fingerprint = spec.Fingerprint;
        Saved.ContextMargin = tiling.Margin;
        Saved.StrokeScale = RenderJobPlanner.StrokeScaleOf(spec);
        Status = new JobStatus(JobId, JobState.Receiving, spec.Width, spec.Height, tiling.Layout.TileSize, tiling.Layout.Overlap, 0, tiling.Count)
        {
            Caller = spec.Caller,
        };
        try
        {
            await Writer.WriteAsync();
        }
        catch
        {
            state.State = new RenderJobState();
            _events = new JobEventStore(Saved.Finished);
            throw;
        }

        _spec = spec;
        _tiling = tiling;
        _source = new SpooledSource(spool, JobId, spec.Width, spec.Height, Saved.Bands);
        _masks = new RegionMasks(spec.Regions, spec.Width, spec.Height);
        _lastBand = DateTimeOffset.UtcNow;
        metrics.Jobs.Add(1, FarmMetrics.StateTag(JobState.Receiving));
        LogSubmitted(logger, JobId, spec.Model, spec.Width, spec.Height, tiling.Count);
    }

    public async Task<JobStatus> AppendSource(SourceBand band)
    {
        ArgumentNullException.ThrowIfNull(band);
        var status = Status ?? throw new InvalidJobException($"Job {JobId} has not been submitted: submit its spec before sending the picture.");
        if (status.State != JobState.Receiving)
        {
            return status; // late or repeated bands change nothing
        }

        _lastBand = DateTimeOffset.UtcNow;
        if (await _source!.AddAsync(band))
        {
            await Writer.WriteAsync(); // an acknowledged band is durable
        }

        if (_source.IsComplete && Status!.State == JobState.Receiving)
        {
            Status = Status with { State = JobState.Running };
            metrics.Jobs.Add(-1, FarmMetrics.StateTag(JobState.Receiving));
            metrics.Jobs.Add(1, FarmMetrics.StateTag(JobState.Running));
            await Writer.WriteAsync();
            Start();
        }

        return Status!;
    }

    public Task<JobStatus> GetStatus() => Task.FromResult(Status ?? throw NoJob());

    public async IAsyncEnumerable<JobEvent> Watch(int fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Status is null)
        {
            throw NoJob();
        }

        if (Saved.Collected)
        {
            throw new InvalidJobException($"The result of job {JobId} was already collected and its tiles deleted; render it again.");
        }

        await foreach (var item in Events.Read(fromSequence, LoadTileAsync, cancellationToken))
        {
            yield return item;
        }
    }

    public async Task<JobStatus> Cancel(string reason)
    {
        if (Status is { IsFinished: false })
        {
            _cancelReason = string.IsNullOrWhiteSpace(reason) ? "cancelled by the caller" : reason;
            if (!_running)
            {
                await FinishAsync(JobState.Cancelled, _cancelReason);
            }
            else
            {
                _cancellation.Cancel();
            }
        }

        return await GetStatus();
    }

    public async Task Collected()
    {
        if (Status is { IsFinished: true } && !Saved.Collected)
        {
            spool.DeleteJob(JobId);
            Saved.Collected = true;
            await Writer.WriteAsync();
            LogCollected(logger, JobId);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var now = DateTimeOffset.UtcNow;
        if (Status is null || (Saved.FinishedAt is { } finished && now - finished >= _options.KeepFinishedJobsFor))
        {
            await PurgeAsync();
        }
        else if (Status.State == JobState.Receiving && now - _lastBand >= _options.KeepFinishedJobsFor)
        {
            await Cancel("the picture stopped arriving");
        }

        // A running job was resumed by this activation itself (OnActivateAsync): the reminder's call is what woke it.
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _leaving.CancelAsync();

        // An upload abandoned half-way never finishes: it leaves the count of unfinished jobs with its activation.
        if (Status is { IsFinished: false } unfinished)
        {
            metrics.Jobs.Add(-1, FarmMetrics.StateTag(unfinished.State));
            LogLeaving(logger, JobId, unfinished.TilesDone, unfinished.TilesTotal, reason.Description);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    private void Start()
    {
        _running = true;
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
        try
        {
            await RunCoreAsync();
        }
        catch (Exception exception) when (IsConflict(exception))
        {
            // Another activation of this job wrote its state (two can exist for a moment while the cluster
            // recovers from a lost silo): this one stops without recording anything; the next call finds the other.
            LogConflict(logger, JobId);
            await _leaving.CancelAsync();
            DeactivateOnIdle();
        }
    }

    private static bool IsConflict(Exception exception) =>
        exception is InconsistentStateException || exception.InnerException is InconsistentStateException;

    private async Task RunCoreAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token, _deadline.Token, _leaving.Token);
        var token = linked.Token;
        try
        {
            if (_spec!.Options.Method == RenderMethod.Optimize)
            {
                _coarse = await CoarseAsync(token);
                if (_coarse.Width == _spec.Width && _coarse.Height == _spec.Height)
                {
                    await RecordCoarseAsFinalAsync(); // the picture fit the coarse pass: it already is the full-resolution result
                }
                else
                {
                    await RenderTilesAsync(null, token);
                }
            }
            else
            {
                await RenderTilesAsync(await StatisticsAsync(token), token);
            }

            await FinishAsync(JobState.Completed, null);
        }
        catch (Exception) when (_leaving.IsCancellationRequested)
        {
            // Persisted as it stands; the next activation continues.
        }
        catch (Exception exception) when (IsConflict(exception))
        {
            throw;
        }
        catch (Exception) when (_cancelReason is not null && token.IsCancellationRequested)
        {
            await FinishAsync(JobState.Cancelled, _cancelReason);
        }
        catch (Exception) when (DeadlinePassed)
        {
            // Workers enforce the deadline too, so a tile may be cancelled a moment before this grain's own timer.
            Status = Status! with { DeadlinePassed = true };
            await FinishAsync(JobState.Failed, $"The deadline {_spec!.Deadline:O} passed with {Status.TilesDone} of {Status.TilesTotal} tiles done.");
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, JobId);
            await FinishAsync(JobState.Failed, exception.Message);
        }
        finally
        {
            _coarse = null;
            _lentWindows.Clear(); // calls still out may hold them: the collector takes them
            if (!_leaving.IsCancellationRequested)
            {
                // Finished tiles stay for watchers that re-attach, then the activation may go (the spool keeps them).
                DelayDeactivation(_options.KeepFinishedJobsFor);
            }
        }
    }

    // A tile's window is held until the tile comes back (by the worker that read it, or by this grain that sent it): bounded per worker.
    private TileScheduler Scheduler() => new(directory, GrainFactory, _options, _options.InFlightPerWorker(3L * _tiling!.WindowWidth * _tiling.WindowHeight))
    {
        OnRetry = (tile, worker, attempt, exception) =>
        {
            Status = Status! with { Retries = Status.Retries + 1 };
            LogTileRetry(logger, JobId, tile, worker.Key, attempt, exception.Message);
        },
    };

    /// <summary>Optimisation, coarse pass: the whole picture at thumbnail size (with its pyramid) on one worker; spooled once.</summary>
    private async Task<PlanarImage> CoarseAsync(CancellationToken token)
    {
        if (Saved.CoarseWidth > 0)
        {
            var spooled = await spool.ReadAsync(JobId, RenderJobSpoolKeys.Coarse, token);
            return new PixelBuffer(Saved.CoarseWidth, Saved.CoarseHeight, 3, spooled).ToPlanar();
        }

        var spec = _spec!;
        var thumbnailLongSide = Math.Max(spec.Thumbnail.Width, spec.Thumbnail.Height);
        var work = new TileWork(JobId, -1, spec.Model, spec.Thumbnail, spec.Regions, null)
        {
            Options = spec.Options,
            Deadline = spec.Deadline,
            Iterations = spec.Options.CoarseIterations > 0 ? spec.Options.CoarseIterations : 300,
            Pyramid = true,
            StyleSize = Math.Max(16, (int)Math.Round(OptimizationStyleSize() * (double)thumbnailLongSide / Math.Max(spec.Width, spec.Height))),
        };
        var pixels = (await Scheduler().RunOneAsync((worker, ct) => worker.Optimize(work, ct), e => IsRetryable(e, token), token)).Pixels;
        if (!await spool.TryWriteAsync(JobId, RenderJobSpoolKeys.Coarse, pixels.Data, token))
        {
            pixels = pixels with { Data = await spool.ReadAsync(JobId, RenderJobSpoolKeys.Coarse, token) }; // an earlier activation's pass stands
        }

        Saved.CoarseWidth = pixels.Width;
        Saved.CoarseHeight = pixels.Height;
        await Writer.WriteAsync();
        return pixels.ToPlanar();
    }

    private async Task RecordCoarseAsFinalAsync()
    {
        for (var tile = 0; tile < _tiling!.Count; tile++)
        {
            if (!Events.Contains(tile))
            {
                await RecordAsync(tile, RegionMasks.Cut(_coarse!, _tiling.Window(tile), _spec!.Width, _spec.Height).ToPixelBuffer());
            }
        }
    }

    private int OptimizationStyleSize() => _spec!.Options.StyleSize > 0
        ? _spec.Options.StyleSize
        : Math.Min(Math.Max(_spec.Width, _spec.Height), RenderJobSpec.MaxOptimizationStyleSize);

    /// <summary>The statistics every tile is normalised with: captured once, spooled, and reused by a resumed job.</summary>
    private async Task<FrozenStatistics?> StatisticsAsync(CancellationToken token)
    {
        var spec = _spec!;
        if (_tiling!.Count == 1 && spec.Thumbnail.Width == spec.Width && spec.Thumbnail.Height == spec.Height)
        {
            return null; // the picture is its own thumbnail: one tile's statistics are the thumbnail's
        }

        // Otherwise even a single tile takes the thumbnail's statistics, so the result does not depend on the tile size.
        if (Saved.StatisticsSpooled)
        {
            return serializer.Deserialize<FrozenStatistics>(await spool.ReadAsync(JobId, RenderJobSpoolKeys.Statistics, token));
        }

        var work = new StatisticsWork(JobId, spec.Model, StatisticsThumbnail(), spec.Regions) { Options = spec.Options with { StyleSize = FeedForwardStyleSize() } };
        var statistics = await Scheduler().RunOneAsync((worker, ct) => worker.CaptureStatistics(work, ct), e => IsRetryable(e, token), token);
        if (!await spool.TryWriteAsync(JobId, RenderJobSpoolKeys.Statistics, serializer.SerializeToArray(statistics), token))
        {
            statistics = serializer.Deserialize<FrozenStatistics>(await spool.ReadAsync(JobId, RenderJobSpoolKeys.Statistics, token));
        }

        Saved.StatisticsSpooled = true;
        await Writer.WriteAsync();
        return statistics;
    }

    private async Task RenderTilesAsync(FrozenStatistics? statistics, CancellationToken token)
    {
        var tiling = _tiling!;

        // Tiles an earlier activation spooled but did not live to record are finished: spooled items are whole.
        for (var tile = 0; tile < tiling.Count; tile++)
        {
            if (!Events.Contains(tile) && spool.Exists(JobId, RenderJobSpoolKeys.Tile(tile)))
            {
                await RecordSpooledAsync(tile, await spool.ReadAsync(JobId, RenderJobSpoolKeys.Tile(tile), token));
            }
        }

        var left = Enumerable.Range(0, tiling.Count).Where(t => !Events.Contains(t)).ToList();
        await Scheduler().RunAsync(
            left,
            async (tile, worker, ct) =>
            {
                var work = await TileWorkAsync(tile, statistics, ct);
                return await (work.Options.Method == RenderMethod.Optimize ? worker.Optimize(work, ct) : worker.Render(work, ct));
            },
            (tile, result) => RecordRenderedAsync(tile, result.Pixels),
            e => IsRetryable(e, token),
            token);
    }

    private async Task RecordRenderedAsync(int tile, PixelBuffer rendered)
    {
        await RecordAsync(tile, rendered);

        // The call that carried the window completed, so its message was serialised (or a device on this silo is done
        // with it); a failed call's window is not returned: it may still be on its way.
        if (_lentWindows.Remove(tile, out var window))
        {
            windows.Return(window);
        }
    }

    /// <summary>Feed-forward: the job's resolved stroke scale (1 for optimisation).</summary>
    /// <summary>
    /// AdaIN: the style images' long side, by default the long side of the picture the network sees (shrunk by the
    /// stroke scale), as in a whole-picture render: the painting's strokes then keep their size relative to the picture.
    /// </summary>
    private int FeedForwardStyleSize() => _spec!.Options.StyleSize > 0
        ? _spec.Options.StyleSize
        : Math.Max(RenderJobSpec.MinSide, StrokeScaling.Shrunk(Math.Max(_spec.Width, _spec.Height), Saved.StrokeScale));

    /// <summary>
    /// The thumbnail at most as large as the picture the network sees (shrunk by the stroke scale), so the statistics
    /// are those of that picture; a thumbnail that is the picture itself is shrunk exactly as the tiles are.
    /// </summary>
    private PixelBuffer StatisticsThumbnail()
    {
        var spec = _spec!;
        var scale = Saved.StrokeScale;
        var thumbnail = spec.Thumbnail;
        var width = StrokeScaling.Shrunk(spec.Width, scale);
        var height = StrokeScaling.Shrunk(spec.Height, scale);
        if (scale == 1f || Math.Max(width, height) >= Math.Max(thumbnail.Width, thumbnail.Height))
        {
            return thumbnail;
        }

        var planar = thumbnail.ToPlanar();
        return (thumbnail.Width == spec.Width && thumbnail.Height == spec.Height
            ? StrokeScaling.Shrink(planar, scale)
            : planar.Resize(width, height)).ToPixelBuffer();
    }

    private async Task<TileWork> TileWorkAsync(int tile, FrozenStatistics? statistics, CancellationToken token)
    {
        var spec = _spec!;
        var window = _tiling!.Window(tile);
        PixelBuffer content;
        SpooledWindow? spooled = null;
        if (_options.WorkersReadSpool)
        {
            content = new PixelBuffer(window.Width, window.Height, 3, []);
            _spooledPicture ??= new SpooledWindow(JobId, spec.Width, spec.Height, [.. Saved.Bands.Keys], [.. Saved.Bands.Values], default);
            spooled = _spooledPicture with { Rect = window };
        }
        else
        {
            content = await _source!.CropAsync(window, windows, token);
            _lentWindows[tile] = content.Data;
        }

        var work = new TileWork(JobId, tile, spec.Model, content, _masks!.ForWindow(window), statistics)
        {
            Keep = _tiling.Keep(tile),
            Spooled = spooled,
            Options = spec.Options,
            Deadline = spec.Deadline,
            StyleSize = FeedForwardStyleSize(),
            StrokeScale = Saved.StrokeScale,
        };
        if (spec.Options.Method == RenderMethod.Optimize)
        {
            // Refine at full resolution from the coarse result, against the picture's style size.
            work = work with
            {
                Init = RegionMasks.Cut(_coarse!, window, spec.Width, spec.Height).ToPixelBuffer(),
                Iterations = spec.Options.RefineIterations > 0 ? spec.Options.RefineIterations : 100,
                StyleSize = OptimizationStyleSize(),
            };
        }

        return work;
    }

    private JobNotFoundException NoJob() =>
        new($"There is no job {JobId} on the farm: it was never submitted, or its result was collected and kept for {_options.KeepFinishedJobsFor.TotalMinutes:F0} minutes.");

    private bool DeadlinePassed =>
        _deadline.IsCancellationRequested || (_spec?.Deadline is { } deadline && DateTimeOffset.UtcNow >= deadline);

    /// <summary>Failures of a worker or silo are retried elsewhere; bad jobs, cancellation and expiry are not.</summary>
    private bool IsRetryable(Exception exception, CancellationToken token) =>
        !token.IsCancellationRequested && !DeadlinePassed && exception is not (InvalidJobException or ModelNotFoundException or ArgumentException);

    /// <summary>
    /// Spools a rendered tile (the first writer of a tile wins: a tile rendered twice is written once) and records it.
    /// Workers send back only the tile (<see cref="TileWork.Keep"/>); a whole window (the coarse pass cut up) is cut here.
    /// </summary>
    private async Task RecordAsync(int tile, PixelBuffer rendered)
    {
        var keep = _tiling!.Keep(tile);
        var pixels = keep.Width == rendered.Width && keep.Height == rendered.Height ? rendered : rendered.Crop(keep);
        var data = pixels.Data;
        if (!await spool.TryWriteAsync(JobId, RenderJobSpoolKeys.Tile(tile), data))
        {
            data = await spool.ReadAsync(JobId, RenderJobSpoolKeys.Tile(tile));
        }

        await RecordSpooledAsync(tile, data);
    }

    private Task RecordSpooledAsync(int tile, byte[] data)
    {
        if (!Events.Add(new FinishedTile(tile, XxHash64.HashToUInt64(data))))
        {
            return Task.CompletedTask;
        }

        var done = Events.Count;
        var elapsed = _clock!.Elapsed;
        Status = Status! with { TilesDone = done, Eta = elapsed / done * (Status.TilesTotal - done) };

        // Not awaited: the scheduler keeps dispatching while the (coalesced) write runs; watchers see the tile once it is stored.
        _ = PublishWhenStoredAsync(done);
        return Task.CompletedTask;
    }

    private async Task PublishWhenStoredAsync(int tiles)
    {
        try
        {
            await Writer.WriteAsync();
            Events.Publish(tiles, null);
        }
        catch (Exception exception) when (IsConflict(exception))
        {
            LogConflict(logger, JobId);
            await _leaving.CancelAsync();
            DeactivateOnIdle();
        }
        catch (Exception exception)
        {
            // Storage stayed away past the writer's retries; the job's final write stores (and publishes) every tile.
            LogPersistFailed(logger, exception, JobId, JobState.Running);
        }
    }

    private async Task<TileRendered> LoadTileAsync(int sequence, FinishedTile finished, CancellationToken cancellationToken)
    {
        var rect = _tiling!.Layout.Tiles[finished.Tile].ToRect();
        var data = await spool.ReadAsync(JobId, RenderJobSpoolKeys.Tile(finished.Tile), cancellationToken);
        return new TileRendered(sequence, finished.Tile, rect, new PixelBuffer(rect.Width, rect.Height, 3, data),
            Status! with { State = JobState.Running, TilesDone = sequence + 1, Error = null });
    }

    private async Task FinishAsync(JobState outcome, string? error)
    {
        if (!Status!.IsFinished)
        {
            metrics.Jobs.Add(-1, FarmMetrics.StateTag(Status.State));
            metrics.JobsFinished.Add(1, FarmMetrics.StateTag(outcome));
        }

        Status = Status with { State = outcome, Error = error, Eta = null };
        Saved.FinishedAt = DateTimeOffset.UtcNow;
        LogFinished(logger, JobId, outcome, Status.TilesDone, Status.TilesTotal, _clock?.Elapsed.TotalSeconds ?? 0, error);
        try
        {
            await Writer.WriteAsync();
        }
        catch (Exception exception) when (!IsConflict(exception))
        {
            // Storage stayed away past the writer's retries: the outcome is still real for those watching now.
            LogPersistFailed(logger, exception, JobId, outcome);
        }

        Events.Publish(Events.Count, Status);
    }

    /// <summary>Retention is over: the spool, the reminder and the state go, and with them the job id.</summary>
    private async Task PurgeAsync()
    {
        spool.DeleteJob(JobId);
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: model {Model}, {Width}×{Height}, {Tiles} tiles")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string model, int width, int height, int tiles);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} resumed from its state: {Done}/{Total} tiles already done")]
    private static partial void LogResumed(ILogger logger, string jobId, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} leaves this silo at {Done}/{Total} tiles ({Reason}); its next activation continues it")]
    private static partial void LogLeaving(ILogger logger, string jobId, int done, int total, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: could not persist its outcome {Outcome}")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception, string jobId, JobState outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: another activation wrote its state; this one stops and leaves the job to it")]
    private static partial void LogConflict(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: result collected, spool emptied")]
    private static partial void LogCollected(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: tile {Tile} failed on {Worker} (attempt {Attempt}): {Reason}")]
    private static partial void LogTileRetry(ILogger logger, string jobId, int tile, string worker, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} {State}: {Done}/{Total} tiles in {Seconds:F1} s {Error}")]
    private static partial void LogFinished(ILogger logger, string jobId, JobState state, int done, int total, double seconds, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);
}
