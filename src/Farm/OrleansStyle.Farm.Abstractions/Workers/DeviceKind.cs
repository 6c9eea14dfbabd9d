namespace OrleansStyle.Farm.Workers;

public enum DeviceKind
{
    Cpu,
    Cuda,

    /// <summary>No compute: a fixed latency per tile, for scale-out benchmarks and coordinator tests.</summary>
    Simulated,
}
