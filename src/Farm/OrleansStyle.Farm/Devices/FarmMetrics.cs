using System.Diagnostics.Metrics;

namespace OrleansStyle.Farm.Devices;

/// <summary>The farm's counters (meter <c>OrleansStyle.Farm</c>), tagged by device.</summary>
public sealed class FarmMetrics : IDisposable
{
    public const string MeterName = "OrleansStyle.Farm";

    private readonly Meter _meter;

    public FarmMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        TilesRendered = _meter.CreateCounter<long>("orleansstyle.tiles.rendered", "{tile}");
        BatchSize = _meter.CreateHistogram<int>("orleansstyle.batch.size", "{tile}");
        Rejected = _meter.CreateCounter<long>("orleansstyle.queue.rejected", "{tile}", "Tiles refused because the device queue was full.");
        ModelHits = _meter.CreateCounter<long>("orleansstyle.models.hits");
        ModelLoads = _meter.CreateCounter<long>("orleansstyle.models.loads");
        ModelEvictions = _meter.CreateCounter<long>("orleansstyle.models.evictions");
    }

    public Counter<long> TilesRendered { get; }

    public Histogram<int> BatchSize { get; }

    public Counter<long> Rejected { get; }

    public Counter<long> ModelHits { get; }

    public Counter<long> ModelLoads { get; }

    public Counter<long> ModelEvictions { get; }

    public static KeyValuePair<string, object?> DeviceTag(string device) => new("device", device);

    public void Dispose() => _meter.Dispose();
}
