using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tensors;

/// <summary>
/// PyTorch's channels_last memory format for [N,C,H,W] tensors. TorchSharp 0.107 has no memory_format argument, but
/// the format is only a stride pattern: the same shape with NHWC strides, which libtorch's convolutions detect.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>A copy with the same values and shape in NHWC order; gradients flow through it.</summary>
    public static Tensor ToChannelsLast(this Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
}
