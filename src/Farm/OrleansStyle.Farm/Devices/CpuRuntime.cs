namespace OrleansStyle.Farm.Devices;

/// <summary>What runs feed-forward network passes on CPU devices. Optimisation renders and training always use Torch (they need gradients).</summary>
public enum CpuRuntime
{
    /// <summary>ONNX Runtime's CPU provider: ×4–7 faster than TorchSharp on the measured CPUs (docs/benchmarks.md).</summary>
    Onnx,

    /// <summary>TorchSharp, as CUDA devices use.</summary>
    Torch,
}
