using static TorchSharp.torch;

namespace OrleansStyle.Cli.Rendering;

internal static class DeviceChoice
{
    /// <summary>The first CUDA device when the CUDA backend is present, else the CPU.</summary>
    public static Device Best() => cuda.is_available() ? CUDA : CPU;
}
