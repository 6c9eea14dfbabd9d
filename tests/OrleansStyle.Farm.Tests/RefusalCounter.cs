using System.Diagnostics.Metrics;
using OrleansStyle.Farm.Devices;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// Counts the tiles one silo's device queues refused (its <see cref="FarmMetrics.Tiles"/> counter with status <c>rejected</c>). Listens to that
/// instrument only, so other meters of the same name in the process do not count.
/// </summary>
internal sealed class RefusalCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    private RefusalCounter(FarmMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument, metrics.Tiles))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "status", Value: "rejected" })
                {
                    Interlocked.Add(ref _count, value);
                }
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public static RefusalCounter For(FarmMetrics metrics) => new(metrics);

    public void Dispose() => _listener.Dispose();
}
