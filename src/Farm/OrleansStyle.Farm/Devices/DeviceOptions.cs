namespace OrleansStyle.Farm.Devices;

/// <summary>How a silo uses its devices. Bound from the <c>OrleansStyle:Devices</c> configuration section.</summary>
public sealed class DeviceOptions
{
    public const string Section = "OrleansStyle:Devices";

    /// <summary>
    /// Devices to announce and serve: <c>cpu</c>, <c>cuda:N</c> or <c>sim:N</c> (simulated, no compute). Empty:
    /// every CUDA device when the CUDA backend is present, else one CPU device. An empty list with
    /// <see cref="Announce"/> false makes a silo without workers (a gateway-only or coordinator-only silo).
    /// </summary>
    public List<string> Devices { get; set; } = [];

    /// <summary>False: this silo hosts no workers at all.</summary>
    public bool Announce { get; set; } = true;

    /// <summary>
    /// The largest tile side this silo's devices take, announced with them; coordinators plan tiles no larger than the
    /// smallest announced. 0 = by device: 512 for CPUs (memory bandwidth), 2048 for CUDA devices (a 2048² tile of the
    /// bundled networks needs about 3 GiB of activations), 512 for simulated ones.
    /// </summary>
    public int MaxTileSize { get; set; }

    /// <summary>Most tiles one forward pass takes (dynamic batching, as in Triton).</summary>
    public int MaxBatch { get; set; } = 8;

    /// <summary>
    /// Batch limit on CPU devices. Measured on 2 cores at 256² (docs/benchmarks.md), batches do not raise the product
    /// path's throughput on either runtime (TorchSharp 9.2 → 6.7 images/s from batch 1 to 8; ONNX Runtime 2.69, 2.09,
    /// 2.59 images/s at batch 1, 4, 8 on a loaded machine), so CPUs run one tile at a time at the lowest latency.
    /// </summary>
    public int CpuMaxBatch { get; set; } = 1;

    /// <summary>How long the first tile of a batch waits for more compatible tiles.</summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Tiles a device queue holds (waiting or running) before it rejects with an overload error.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>Bytes of model weights a device keeps loaded; least recently used models are evicted beyond it.</summary>
    public long ModelMemoryBudgetBytes { get; set; } = 1L << 30;

    /// <summary>Simulated devices: time one batch takes.</summary>
    public TimeSpan SimulatedLatency { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Simulated devices: extra time per additional tile in a batch (batches are cheaper per tile).</summary>
    public TimeSpan SimulatedLatencyPerExtraTile { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Intra-op threads for CPU devices, for Torch and for ONNX Runtime sessions; 0 keeps each runtime's default
    /// (one per core).
    /// </summary>
    public int CpuThreads { get; set; }

    /// <summary>What runs feed-forward models on CPU devices: ONNX Runtime (default) or Torch.</summary>
    public CpuRuntime CpuRuntime { get; set; } = CpuRuntime.Onnx;
}
