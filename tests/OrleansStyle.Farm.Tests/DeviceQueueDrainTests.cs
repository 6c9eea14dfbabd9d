using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Tests;

/// <summary>A device queue whose silo is leaving: it refuses new work, finishes what it took, or hands it back.</summary>
public sealed class DeviceQueueDrainTests
{
    [Fact]
    public async Task A_draining_queue_refuses_new_tiles_and_finishes_every_accepted_one()
    {
        using var backend = new GatedBackend();
        using var queue = Queue(backend);
        var accepted = Enumerable.Range(0, 3).Select(i => queue.Enqueue(Tile(i), CancellationToken.None)).ToList();
        await backend.Started.WaitAsync(TimeSpan.FromSeconds(20)); // one tile runs, two wait

        var drained = queue.Drain();
        var refused = Assert.Throws<DeviceOverloadedException>(() => { _ = queue.Enqueue(Tile(3), CancellationToken.None); });
        Assert.False(drained.IsCompleted, "the drain ended with three accepted tiles unfinished");
        backend.Open();

        var results = await Task.WhenAll(accepted);
        await drained.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("draining", refused.Message, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2], results.Select(r => r.TileIndex));
        Assert.Equal(3, queue.Load.TilesRendered);
        Assert.Equal(0, queue.Load.Queued);
    }

    [Fact]
    public async Task Handing_back_refuses_the_waiting_and_the_running_tiles_so_their_coordinators_route_them_elsewhere()
    {
        using var backend = new GatedBackend(); // never opened: the running tile can only end through its token
        using var queue = Queue(backend);
        var accepted = Enumerable.Range(0, 3).Select(i => queue.Enqueue(Tile(i), CancellationToken.None)).ToList();
        await backend.Started.WaitAsync(TimeSpan.FromSeconds(20));
        var drained = queue.Drain();

        var held = queue.HandBack();

        Assert.Equal(3, held);
        foreach (var tile in accepted)
        {
            // Refused, as by a full device: a coordinator re-queues it without counting a failed attempt.
            var refused = await Assert.ThrowsAsync<DeviceOverloadedException>(() => tile);
            Assert.Contains("handed the work back", refused.Message, StringComparison.Ordinal);
        }

        await drained.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, queue.Load.TilesRendered);
        Assert.Equal(0, queue.Load.Queued);
    }

    [Fact]
    public async Task An_idle_queue_drains_at_once()
    {
        using var backend = new GatedBackend();
        using var queue = Queue(backend);

        await queue.Drain().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Throws<DeviceOverloadedException>(() => { _ = queue.Enqueue(Tile(0), CancellationToken.None); });
    }

    private static DeviceQueue Queue(ITileBackend backend) =>
        new(new DeviceDescriptor(DeviceKind.Simulated, 0), backend, new DeviceOptions { QueueCapacity = 16, MaxBatch = 1, MaxQueueDelay = TimeSpan.Zero },
            new FarmMetrics(), NullLogger.Instance);

    private static TileWork Tile(int index) =>
        new("job", index, "model", new PixelBuffer(8, 8, 3, new byte[8 * 8 * 3]), ImmutableArray<RegionSpec>.Empty, null);

    /// <summary>Holds every batch until the test opens it (or the batch's token fires), and says when the first starts.</summary>
    private sealed class GatedBackend : ITileBackend
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _open = new();

        public Task Started => _started.Task;

        public long ModelBytes => 0;

        public void Open() => _open.Set();

        public string BatchKey(TileWork work) => "gated";

        public IReadOnlyList<PixelBuffer> Render(IReadOnlyList<TileWork> batch, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            _open.Wait(cancellationToken); // the device thread, which may block: it owns nothing else
            return [.. batch.Select(w => w.Content)];
        }

        public FrozenStatistics CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Tiles only.");

        public void Dispose() => _open.Dispose();
    }
}
