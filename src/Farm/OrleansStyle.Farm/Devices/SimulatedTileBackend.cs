using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// A device without compute: each batch takes a fixed latency (a little more per extra tile, as real batches do)
/// and returns the tiles unchanged. Lets the coordinator drive many workers in one process for scale-out
/// measurements and routing tests.
/// </summary>
public sealed class SimulatedTileBackend(TimeSpan latency, TimeSpan perExtraTile) : ITileBackend
{
    public string BatchKey(TileWork work) => $"{work.Model}|{work.Content.Width}x{work.Content.Height}";

    public IReadOnlyList<PixelBuffer> Render(IReadOnlyList<TileWork> batch, CancellationToken cancellationToken)
    {
        Wait(latency + (perExtraTile * (batch.Count - 1)), cancellationToken);
        return [.. batch.Select(w => w.Content)];
    }

    public FrozenStatistics CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken)
    {
        Wait(latency, cancellationToken);
        return new FrozenStatistics(ImmutableArray<FrozenStatisticsPoint>.Empty);
    }

    public void Dispose()
    {
    }

    private static void Wait(TimeSpan duration, CancellationToken cancellationToken)
    {
        if (duration > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(duration);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
