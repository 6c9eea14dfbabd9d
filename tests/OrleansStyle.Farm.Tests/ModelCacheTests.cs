using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Workers;
using static TorchSharp.torch;

namespace OrleansStyle.Farm.Tests;

public sealed class ModelCacheTests
{
    [Fact]
    public void Models_load_on_demand_and_the_least_recently_used_goes_when_the_budget_is_full()
    {
        var directory = Directory.CreateTempSubdirectory("orleansstyle-cache-").FullName;
        foreach (var name in new[] { "a", "b", "c" })
        {
            File.Copy(Path.Combine(FarmFixtures.ModelDirectory, FarmFixtures.Multi + ".safetensors"), Path.Combine(directory, name + ".safetensors"));
        }

        var size = new FileInfo(Path.Combine(directory, "a.safetensors")).Length;
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FarmMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (counts)
            {
                counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        using var metrics = new FarmMetrics();
        var registry = new DirectoryModelRegistry(Options.Create(new ModelRegistryOptions { Directory = directory }));
        using var cache = new ModelCache(registry, new DeviceDescriptor(DeviceKind.Cpu, 0), CPU, (2 * size) + 1, metrics, NullLogger.Instance);

        var a = cache.Get("a");
        cache.Get("b");
        Assert.Same(a, cache.Get("a")); // a hit, and now the most recent
        cache.Get("c");                 // over budget: b (least recently used) goes

        Assert.Equal(["c", "a"], cache.Loaded);
        Assert.True(cache.Bytes <= (2 * size) + 1);
        listener.RecordObservableInstruments();
        Assert.Equal(3, counts.GetValueOrDefault("orleansstyle.model.loads"));
        Assert.Equal(1, counts.GetValueOrDefault("orleansstyle.model.hits"));
        Assert.Equal(1, counts.GetValueOrDefault("orleansstyle.model.evictions"));
        Assert.Throws<ModelNotFoundException>(() => cache.Get("../a"));
        Assert.Throws<ModelNotFoundException>(() => cache.Get("missing"));
    }
}
