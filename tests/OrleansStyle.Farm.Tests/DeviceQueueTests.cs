using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

public sealed class DeviceQueueTests
{
    [Fact]
    public async Task A_full_queue_refuses_new_tiles_and_finishes_every_accepted_one()
    {
        using var queue = Queue(capacity: 4, maxBatch: 1, latency: TimeSpan.FromMilliseconds(100));
        var accepted = new List<Task<TileResult>>();
        var refused = 0;
        for (var i = 0; i < 10; i++)
        {
            try
            {
                accepted.Add(queue.Enqueue(Tile(i), CancellationToken.None));
            }
            catch (DeviceOverloadedException exception)
            {
                Assert.Contains("full", exception.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal(4, accepted.Count);
        Assert.Equal(6, refused);
        var results = await Task.WhenAll(accepted);
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.TileIndex));
        Assert.Equal(0, queue.Load.Queued);
        var again = await queue.Enqueue(Tile(10), CancellationToken.None); // room again: accepted and rendered
        Assert.Equal(10, again.TileIndex);
        Assert.Equal(1, again.BatchSize);
        Assert.Equal(5, queue.Load.TilesRendered);
    }

    [Fact]
    public async Task Tiles_that_arrive_within_the_queue_delay_share_a_batch()
    {
        using var queue = Queue(capacity: 32, maxBatch: 8, latency: TimeSpan.FromMilliseconds(50), delay: TimeSpan.FromMilliseconds(30));
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => queue.Enqueue(Tile(i), CancellationToken.None)));

        Assert.True(results.Max(r => r.BatchSize) > 1, $"batch sizes: {string.Join(",", results.Select(r => r.BatchSize))}");
        Assert.Equal(Enumerable.Range(0, 8), results.Select(r => r.TileIndex));
    }

    [Fact]
    public async Task Tiles_of_different_sizes_never_share_a_batch()
    {
        using var queue = Queue(capacity: 32, maxBatch: 8, latency: TimeSpan.FromMilliseconds(20), delay: TimeSpan.FromMilliseconds(30));
        var small = Enumerable.Range(0, 3).Select(i => queue.Enqueue(Tile(i, 8), CancellationToken.None)).ToList();
        var large = Enumerable.Range(3, 3).Select(i => queue.Enqueue(Tile(i, 16), CancellationToken.None)).ToList();
        var results = await Task.WhenAll(small.Concat(large));

        Assert.All(results, r => Assert.True(r.BatchSize <= 3));
        Assert.All(results, r => Assert.Equal(r.TileIndex < 3 ? 8 : 16, r.Pixels.Width));
    }

    [Fact]
    public async Task Cancelled_tiles_leave_the_queue_and_free_the_device()
    {
        // Long enough that the running tile can only end through its token.
        var backend = new StartSignallingBackend(new SimulatedTileBackend(TimeSpan.FromSeconds(30), TimeSpan.Zero));
        using var queue = Queue(capacity: 16, maxBatch: 1, backend);
        using var cancel = new CancellationTokenSource();
        var tiles = Enumerable.Range(0, 10).Select(i => queue.Enqueue(Tile(i), cancel.Token)).ToList();
        await backend.Started.WaitAsync(TimeSpan.FromSeconds(20)); // one tile runs, nine wait
        await cancel.CancelAsync();

        foreach (var tile in tiles)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tile);
        }

        // The running tile stops at its token, the waiting ones were withdrawn: the device empties long before the
        // 30 s the running tile would otherwise take.
        await Eventually.Until(() => queue.Load.Queued, q => q == 0, "an empty queue after cancelling");
        Assert.True(queue.Load.TilesRendered == 0, $"rendered {queue.Load.TilesRendered} cancelled tiles");
    }

    private static DeviceQueue Queue(int capacity, int maxBatch, TimeSpan latency, TimeSpan? delay = null) =>
        Queue(capacity, maxBatch, new SimulatedTileBackend(latency, TimeSpan.Zero), delay);

    private static DeviceQueue Queue(int capacity, int maxBatch, ITileBackend backend, TimeSpan? delay = null)
    {
        var options = new DeviceOptions { QueueCapacity = capacity, MaxBatch = maxBatch, MaxQueueDelay = delay ?? TimeSpan.Zero };
        return new DeviceQueue(new DeviceDescriptor(DeviceKind.Simulated, 0), backend, options, new FarmMetrics(), NullLogger.Instance);
    }

    private static TileWork Tile(int index, int size = 8) =>
        new("job", index, "model", new PixelBuffer(size, size, 3, new byte[size * size * 3]), ImmutableArray<RegionSpec>.Empty, null);

    /// <summary>Says when the device starts its first batch, so a test can act on a running tile without sleeping.</summary>
    private sealed class StartSignallingBackend(ITileBackend inner) : ITileBackend
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public string BatchKey(TileWork work) => inner.BatchKey(work);

        public IReadOnlyList<PixelBuffer> Render(IReadOnlyList<TileWork> batch, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            return inner.Render(batch, cancellationToken);
        }

        public FrozenStatistics CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken) => inner.CaptureStatistics(work, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
