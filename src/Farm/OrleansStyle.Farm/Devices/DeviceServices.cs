using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Neural.Onnx;
using static TorchSharp.torch;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// The silo's devices: one <see cref="DeviceQueue"/> (thread, batching queue, model cache) per announced device.
/// Worker grains are thin handles onto these; the heavy state lives here for the silo's lifetime.
/// </summary>
public sealed class DeviceServices : IDisposable
{
    private readonly Dictionary<string, DeviceQueue> _queues;

    public DeviceServices(IOptions<DeviceOptions> options, IModelRegistry registry, FarmMetrics metrics, ILoggerFactory loggers)
    {
        var settings = options.Value;
        if (settings.CpuThreads > 0)
        {
            set_num_threads(settings.CpuThreads);
        }

        Devices = DeviceInventory.Resolve(settings);
        _queues = Devices.ToDictionary(
            d => d.Id,
            d => new DeviceQueue(d, CreateBackend(d, settings, registry, metrics, loggers), ForDevice(d, settings), metrics, loggers.CreateLogger<DeviceQueue>()));
    }

    public IReadOnlyList<DeviceDescriptor> Devices { get; }

    /// <summary>Every device's queue (none on a coordinator silo).</summary>
    public IReadOnlyCollection<DeviceQueue> Queues => _queues.Values;

    public DeviceQueue this[string device] => _queues.TryGetValue(device, out var queue)
        ? queue
        : throw new InvalidOperationException($"This silo has no device {device} (it has: {string.Join(", ", _queues.Keys)}).");

    public void Dispose()
    {
        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }
    }

    /// <summary>The Torch device behind a descriptor; simulated devices have none.</summary>
    public static Device TorchDevice(DeviceDescriptor descriptor) => descriptor.Kind switch
    {
        DeviceKind.Cuda => new Device(TorchSharp.DeviceType.CUDA, descriptor.Ordinal),
        DeviceKind.Cpu => CPU,
        _ => throw new InvalidOperationException($"Device {descriptor.Id} is simulated: it renders stand-in tiles and cannot train."),
    };

    private static DeviceOptions ForDevice(DeviceDescriptor device, DeviceOptions options) => device.Kind == DeviceKind.Cpu
        ? new DeviceOptions
        {
            MaxBatch = Math.Min(options.MaxBatch, options.CpuMaxBatch),
            MaxQueueDelay = options.MaxQueueDelay,
            QueueCapacity = options.QueueCapacity,
            ModelMemoryBudgetBytes = options.ModelMemoryBudgetBytes,
            CpuThreads = options.CpuThreads,
            CpuRuntime = options.CpuRuntime,
        }
        : options;

    private static ITileBackend CreateBackend(
        DeviceDescriptor descriptor, DeviceOptions options, IModelRegistry registry, FarmMetrics metrics, ILoggerFactory loggers)
    {
        if (descriptor.Kind == DeviceKind.Simulated)
        {
            return new SimulatedTileBackend(options.SimulatedLatency, options.SimulatedLatencyPerExtraTile);
        }

        var device = TorchDevice(descriptor);
        var onnx = descriptor.Kind == DeviceKind.Cpu && options.CpuRuntime == CpuRuntime.Onnx
            ? new OnnxRuntimeSettings { IntraOpThreads = options.CpuThreads }
            : null;
        var cache = new ModelCache(registry, descriptor, device, options.ModelMemoryBudgetBytes, metrics, loggers.CreateLogger<ModelCache>()) { Onnx = onnx };
        cache.PublishCounters();
        return new TorchTileBackend(cache, device);
    }
}
