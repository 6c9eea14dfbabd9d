using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// One device's work queue and the thread that owns the device. Dynamic batching as in Triton: the oldest tile
/// waits up to <see cref="DeviceOptions.MaxQueueDelay"/> for tiles with the same batch key (from any job) and they
/// run as one forward pass of up to <see cref="DeviceOptions.MaxBatch"/>. The queue is bounded: when
/// <see cref="DeviceOptions.QueueCapacity"/> tiles wait or run, new ones are refused with
/// <see cref="DeviceOverloadedException"/> — nothing accepted is ever dropped. A cancelled tile leaves the queue at
/// once; a running single-tile batch sees its token. A draining queue (its silo is leaving) refuses new work the
/// same way, finishes what it accepted, and on <see cref="HandBack"/> refuses that too, so coordinators send it elsewhere.
/// </summary>
public sealed partial class DeviceQueue : IDisposable
{
    private readonly object _gate = new(); // Monitor: the batcher waits on it for more tiles
    private readonly LinkedList<QueuedWork> _waiting = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _handBack = new();
    private readonly Thread _thread;
    private readonly ITileBackend _backend;
    private readonly DeviceOptions _options;
    private readonly FarmMetrics _metrics;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _deviceTag;
    private int _count;
    private long _rendered;
    private long _largestBatch;
    private long _busyTicks;
    private bool _draining;
    private TaskCompletionSource? _idle;

    public DeviceQueue(DeviceDescriptor device, ITileBackend backend, DeviceOptions options, FarmMetrics metrics, ILogger logger)
    {
        Device = device;
        _backend = backend;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _deviceTag = FarmMetrics.DeviceTag(device.Id);
        _thread = new Thread(Run) { IsBackground = true, Name = $"device {device.Id}" };
        _thread.Start();
        metrics.Observe(this);
    }

    public DeviceDescriptor Device { get; }

    /// <summary>Items waiting or running now.</summary>
    public int Depth => Volatile.Read(ref _count);

    public int Capacity => _options.QueueCapacity;

    /// <summary>Time the device spent running batches since the queue started.</summary>
    public TimeSpan BusyTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _busyTicks));

    public long ModelBytes => _backend.ModelBytes;

    public WorkerLoad Load => new(Volatile.Read(ref _count), _options.QueueCapacity, Interlocked.Read(ref _rendered), Interlocked.Read(ref _largestBatch));

    /// <summary>Each tile this device finished rendering (on the device's thread): for tests and diagnostics that count renders per tile.</summary>
    public event Action<TileWork>? TileRendered;

    public Task<TileResult> Enqueue(TileWork work, CancellationToken cancellationToken)
    {
        var item = new TileItem(work, _backend.BatchKey(work), cancellationToken);
        Add(item);
        return item.Completion.Task;
    }

    public Task<FrozenStatistics> EnqueueStatistics(StatisticsWork work, CancellationToken cancellationToken)
    {
        var item = new StatisticsItem(work, cancellationToken);
        Add(item);
        return item.Completion.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the device thread between batches (training slices): it holds the device for
    /// its duration, so keep each call short and call again for more.
    /// </summary>
    public Task<T> RunExclusive<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        var item = new ExclusiveItem<T>(work, cancellationToken);
        Add(item);
        return item.Completion.Task;
    }

    /// <summary>
    /// Stops taking work: from now on every new item is refused with <see cref="DeviceOverloadedException"/>. The task
    /// completes when nothing accepted is left waiting or running.
    /// </summary>
    public Task Drain()
    {
        lock (_gate)
        {
            _draining = true;
            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            SignalIfIdle();
            return _idle.Task;
        }
    }

    /// <summary>
    /// Refuses what a draining queue still holds: waiting items at once, a running batch at its token (a forward pass
    /// that does not watch it finishes and delivers). Refused work never counts as a failure: coordinators route it
    /// to another worker. Returns how many items were waiting or running.
    /// </summary>
    public int HandBack()
    {
        List<QueuedWork> refused;
        int held;
        lock (_gate)
        {
            _draining = true;
            held = _count;
            refused = [.. _waiting];
            _waiting.Clear();
            _count -= refused.Count;
            SignalIfIdle();
        }

        foreach (var item in refused)
        {
            item.Registration.Dispose();
            item.Fail(HandedBack());
        }

        CountTiles(refused, "handed-back");
        _handBack.Cancel();
        return held;
    }

    public void Dispose()
    {
        _metrics.Forget(this);
        _stopping.Cancel();
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        var stopped = _thread.Join(TimeSpan.FromSeconds(30));
        lock (_gate)
        {
            foreach (var item in _waiting)
            {
                item.Fail(new ObjectDisposedException($"device {Device.Id}", "The silo is shutting down."));
            }

            _waiting.Clear();
        }

        if (!stopped)
        {
            // The device thread is still inside one long step (an optimisation evaluation sees its token only between
            // steps): disposing its models under it would crash the process with ObjectDisposedException. The silo
            // is going away, so the models are left to the process's end instead.
            LogStillRunning(_logger, Device.Id);
            return;
        }

        _backend.Dispose();
        _stopping.Dispose();
        _handBack.Dispose();
    }

    private void Add(QueuedWork item)
    {
        if (item.CancellationToken.IsCancellationRequested)
        {
            item.Cancel();
            return;
        }

        lock (_gate)
        {
            if (_draining)
            {
                if (item is TileItem refused)
                {
                    _metrics.Tiles.Add(1, _deviceTag, FarmMetrics.ModelTag(refused.Work.Model), FarmMetrics.StatusTag("rejected"));
                }

                throw new DeviceOverloadedException(
                    $"Device {Device.Id} is draining: its silo is leaving the cluster. Send the work to another worker.");
            }

            if (_count >= _options.QueueCapacity)
            {
                if (item is TileItem refused)
                {
                    _metrics.Tiles.Add(1, _deviceTag, FarmMetrics.ModelTag(refused.Work.Model), FarmMetrics.StatusTag("rejected"));
                }

                throw new DeviceOverloadedException(
                    $"Device {Device.Id} is full ({_count} of {_options.QueueCapacity} tiles queued or running); retry later or on another worker.");
            }

            _count++;
            item.Node = _waiting.AddLast(item);
            Monitor.PulseAll(_gate);
        }

        // Registered outside the lock: the callback takes it, and may run inline if the token fired meanwhile.
        item.Registration = item.CancellationToken.Register(() => Withdraw(item));
    }

    /// <summary>A cancelled tile that has not started leaves the queue and frees its place now.</summary>
    private void Withdraw(QueuedWork item)
    {
        lock (_gate)
        {
            if (item.Node?.List is null)
            {
                return;
            }

            _waiting.Remove(item.Node);
            _count--;
            SignalIfIdle();
        }

        item.Cancel();
        if (item is TileItem tile)
        {
            _metrics.Tiles.Add(1, _deviceTag, FarmMetrics.ModelTag(tile.Work.Model), FarmMetrics.StatusTag("cancelled"));
        }
    }

    private void Run()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var batch = NextBatch();
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                Execute(batch);
            }
            finally
            {
                lock (_gate)
                {
                    _count -= batch.Count;
                    SignalIfIdle();
                }

                foreach (var item in batch)
                {
                    item.Registration.Dispose();
                }
            }
        }
    }

    /// <summary>The oldest item and, for tiles, compatible ones that arrive within the queue delay.</summary>
    private List<QueuedWork> NextBatch()
    {
        var batch = new List<QueuedWork>(_options.MaxBatch);
        lock (_gate)
        {
            while (_waiting.Count == 0)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return batch;
                }

                Monitor.Wait(_gate);
            }

            var first = _waiting.First!.Value;
            _waiting.RemoveFirst();
            batch.Add(first);
            if (first is not TileItem || _options.MaxBatch == 1)
            {
                return batch;
            }

            var until = Stopwatch.GetTimestamp() + (long)(_options.MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                TakeCompatible(first.BatchKey!, batch);
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until);
                if (batch.Count >= _options.MaxBatch || remaining <= TimeSpan.Zero || _stopping.IsCancellationRequested)
                {
                    return batch;
                }

                Monitor.Wait(_gate, remaining);
            }
        }
    }

    private void TakeCompatible(string key, List<QueuedWork> batch)
    {
        for (var node = _waiting.First; node is not null && batch.Count < _options.MaxBatch;)
        {
            var next = node.Next;
            if (node.Value.BatchKey == key)
            {
                _waiting.Remove(node);
                batch.Add(node.Value);
            }

            node = next;
        }
    }

    private void Execute(List<QueuedWork> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // A batch of one stops when its caller gives up; a shared batch runs on for the others.
            using var token = CancellationTokenSource.CreateLinkedTokenSource(
                batch.Count == 1 ? batch[0].CancellationToken : CancellationToken.None, _stopping.Token, _handBack.Token);
            if (batch is [StatisticsItem statistics])
            {
                statistics.Completion.TrySetResult(_backend.CaptureStatistics(statistics.Work, token.Token));
                return;
            }

            if (batch is [IExclusiveWork exclusive])
            {
                exclusive.Run(token.Token);
                return;
            }

            var tiles = batch.Cast<TileItem>().ToList();
            var modelTag = FarmMetrics.ModelTag(tiles[0].Work.Model);
            foreach (var tile in tiles)
            {
                _metrics.QueueDuration.Record(Stopwatch.GetElapsedTime(tile.Enqueued, started).TotalSeconds, _deviceTag, modelTag);
            }

            var pixels = _backend.Render([.. tiles.Select(t => t.Work)], token.Token);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var queued = Volatile.Read(ref _count) - tiles.Count;
            for (var i = 0; i < tiles.Count; i++)
            {
                tiles[i].Completion.TrySetResult(new TileResult(tiles[i].Work.TileIndex, pixels[i], tiles.Count, queued, elapsed));
                TileRendered?.Invoke(tiles[i].Work);
            }

            Interlocked.Add(ref _rendered, tiles.Count);
            InterlockedMax(ref _largestBatch, tiles.Count);
            _metrics.Tiles.Add(tiles.Count, _deviceTag, modelTag, FarmMetrics.StatusTag("rendered"));
            _metrics.BatchSize.Record(tiles.Count, _deviceTag, modelTag);
            _metrics.ComputeDuration.Record(elapsed.TotalSeconds, _deviceTag, modelTag);
            LogBatch(_logger, Device.Id, tiles.Count, batch[0].BatchKey, elapsed.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (_handBack.IsCancellationRequested && !batch.All(i => i.CancellationToken.IsCancellationRequested))
        {
            foreach (var item in batch)
            {
                item.Fail(HandedBack());
            }

            CountTiles(batch, "handed-back");
        }
        catch (OperationCanceledException) when (batch.All(i => i.CancellationToken.IsCancellationRequested) || _stopping.IsCancellationRequested)
        {
            foreach (var item in batch)
            {
                item.Cancel();
            }

            CountTiles(batch, "cancelled");
        }
        catch (Exception exception)
        {
            LogBatchFailed(_logger, exception, Device.Id, batch.Count);
            foreach (var item in batch)
            {
                item.Fail(exception);
            }

            CountTiles(batch, "failed");
        }
        finally
        {
            Interlocked.Add(ref _busyTicks, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>Called under the lock whenever the count drops: completes a drain once nothing is left.</summary>
    private void SignalIfIdle()
    {
        if (_draining && _count == 0)
        {
            _idle?.TrySetResult();
        }
    }

    private DeviceOverloadedException HandedBack() =>
        new($"Device {Device.Id} handed the work back: its silo is leaving the cluster and the drain's grace period ended. Send it to another worker.");

    private void CountTiles(List<QueuedWork> batch, string status)
    {
        foreach (var tile in batch.OfType<TileItem>())
        {
            _metrics.Tiles.Add(1, _deviceTag, FarmMetrics.ModelTag(tile.Work.Model), FarmMetrics.StatusTag(status));
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current)
        {
            current = Interlocked.Read(ref target);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Device {Device} ran a batch of {Count} ({Key}) in {Milliseconds:F1} ms")]
    private static partial void LogBatch(ILogger logger, string device, int count, string? key, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {Device} was still running a batch 30 s after the silo began to stop; its models are left to the process's end")]
    private static partial void LogStillRunning(ILogger logger, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {Device} failed a batch of {Count}")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, string device, int count);

    private abstract class QueuedWork(string? batchKey, CancellationToken cancellationToken)
    {
        public string? BatchKey { get; } = batchKey;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public LinkedListNode<QueuedWork>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public abstract void Cancel();

        public abstract void Fail(Exception exception);
    }

    private sealed class TileItem(TileWork work, string batchKey, CancellationToken cancellationToken) : QueuedWork(batchKey, cancellationToken)
    {
        public TileWork Work { get; } = work;

        /// <summary>When the tile entered the queue (<see cref="Stopwatch"/> ticks), for its queue duration.</summary>
        public long Enqueued { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<TileResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Cancel() => Completion.TrySetCanceled(CancellationToken);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private interface IExclusiveWork
    {
        void Run(CancellationToken cancellationToken);
    }

    private sealed class ExclusiveItem<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
        : QueuedWork(null, cancellationToken), IExclusiveWork
    {
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Run(CancellationToken cancellationToken) => Completion.TrySetResult(work(cancellationToken));

        public override void Cancel() => Completion.TrySetCanceled(CancellationToken);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }

    private sealed class StatisticsItem(StatisticsWork work, CancellationToken cancellationToken) : QueuedWork(null, cancellationToken)
    {
        public StatisticsWork Work { get; } = work;

        public TaskCompletionSource<FrozenStatistics> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Cancel() => Completion.TrySetCanceled(CancellationToken);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
