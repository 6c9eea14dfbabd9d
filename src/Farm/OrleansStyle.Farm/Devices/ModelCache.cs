using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Models;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Onnx;
using static TorchSharp.torch;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// The models loaded on one device, least recently used first out once their weights exceed the budget. Loading
/// includes a warm-up pass so the first real tile does not pay for allocator and kernel set-up. Used only from the
/// device's thread. AdaIN models share one ResNet-18 encoder per device, loaded with the first of them. With
/// <see cref="Onnx"/> set (CPU devices), each model's network passes run on ONNX Runtime sessions the model holds, so
/// evicting the model frees its sessions.
/// </summary>
public sealed partial class ModelCache(
    IModelRegistry registry, DeviceDescriptor descriptor, Device device, long budgetBytes, FarmMetrics metrics, ILogger logger) : IDisposable
{
    private readonly LinkedList<Entry> _recent = [];
    private readonly Dictionary<string, LinkedListNode<Entry>> _byName = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _deviceTag = FarmMetrics.DeviceTag(descriptor.Id);
    private FeatureNetwork? _encoder;

    /// <summary>ONNX Runtime settings for the models' network passes; null runs them on Torch.</summary>
    public OnnxRuntimeSettings? Onnx { get; init; }

    /// <summary>Counts start at zero, so a dashboard's rate() of them exists before the first load or eviction.</summary>
    public void PublishCounters()
    {
        metrics.ModelLoads.Add(0, _deviceTag);
        metrics.ModelHits.Add(0, _deviceTag);
        metrics.ModelEvictions.Add(0, _deviceTag);
    }

    private long _bytes;

    /// <summary>Bytes of the loaded models' files; read from other threads for metrics, so kept with volatile access.</summary>
    public long Bytes
    {
        get => Volatile.Read(ref _bytes);
        private set => Volatile.Write(ref _bytes, value);
    }

    public int Count => _byName.Count;

    public IReadOnlyList<string> Loaded => [.. _recent.Select(e => e.Name)];

    /// <summary>The ResNet-18 that AdaIN models encode with and optimisation jobs take their losses from.</summary>
    public FeatureNetwork LossNetwork => _encoder ??= ResNetOnnxImporter.LoadDefault();

    public IStyleModel Get(string name)
    {
        var path = registry.Resolve(name);
        var written = File.GetLastWriteTimeUtc(path);
        if (_byName.TryGetValue(name, out var node))
        {
            if (node.Value.Written == written)
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                metrics.ModelHits.Add(1, _deviceTag);
                return node.Value.Model;
            }

            Remove(node); // the file was replaced: load the new one
        }

        var bytes = new FileInfo(path).Length;
        while (_recent.Count > 0 && Bytes + bytes > budgetBytes)
        {
            var oldest = _recent.Last!;
            LogEvicted(logger, oldest.Value.Name, descriptor.Id, oldest.Value.Bytes);
            Remove(oldest);
            metrics.ModelEvictions.Add(1, _deviceTag);
        }

        var info = StyleModelFile.ReadInfo(path);
        if (info.Kind == StyleModelKind.AdaIn)
        {
            _ = LossNetwork;
        }

        var model = StyleModelFile.Load(path, info.Kind == StyleModelKind.AdaIn ? _encoder : null, device);
        try
        {
            if (Onnx is { } onnx)
            {
                model.UseOnnxRuntime(onnx);
            }

            WarmUp(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        var entry = new Entry(name, written, bytes, model);
        _byName[name] = _recent.AddFirst(entry);
        Bytes += bytes;
        metrics.ModelLoads.Add(1, _deviceTag);
        LogLoaded(logger, name, descriptor.Id, bytes);
        return model;
    }

    public void Dispose()
    {
        foreach (var entry in _recent)
        {
            entry.Model.Dispose();
        }

        _recent.Clear();
        _byName.Clear();
        _encoder?.Dispose();
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _byName.Remove(node.Value.Name);
        Bytes -= node.Value.Bytes;
        node.Value.Model.Dispose();
    }

    /// <summary>A small render with the picture's own statistics and one with frozen ones: the two passes tiles take.</summary>
    private static void WarmUp(IStyleModel model)
    {
        var grey = new PlanarImage(64, 64, 3);
        Array.Fill(grey.Data, 0.5f);
        var style = model.Kind == StyleModelKind.AdaIn ? StyleChoice.FromImage(grey) : StyleChoice.Trained(0);
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(style)];
        model.Stylise(grey, regions);
        using var statistics = model.CaptureStatistics(grey, regions);
        model.Stylise(grey, regions, statistics: statistics);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {Model} on {Device} ({Bytes} bytes)")]
    private static partial void LogLoaded(ILogger logger, string model, string device, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicted model {Model} from {Device} ({Bytes} bytes) to stay within the memory budget")]
    private static partial void LogEvicted(ILogger logger, string model, string device, long bytes);

    private sealed record Entry(string Name, DateTime Written, long Bytes, IStyleModel Model);
}
