using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Runs a CPU convolution whose input gradient will be needed with its output channels padded to a multiple of
/// <see cref="ChannelBlock"/>, then drops the padding.
/// <para>
/// Why: libtorch 2.10's oneDNN 3.7 computes a convolution's input gradient (backward-data) from the output
/// gradient laid out in channel blocks of 8 (AVX2) or 16 (AVX-512). When the output channel count is not a
/// multiple of the block, the kernel reads the unwritten tail of the last block, which holds whatever the allocator
/// returned: the input gradient is then different on every call and, when that memory holds NaN, NaN. Measured
/// on a 2-core AMD EPYC (AVX-512): 3, 4, 8, 12 and 24 output channels give differing or NaN gradients, 16 and 32
/// never; with libtorch's junk fill every non-multiple fails on every call (tests in
/// <c>BlockAlignedConvolutionTests</c>). Every trained network here ends in a 3-channel convolution, and the test
/// networks are 8 wide, so training diverged or lost reproducibility depending on the CPU and the heap.
/// </para>
/// <para>
/// The padded channels have zero weights and bias, so the result is the same numbers; their gradient is an
/// explicit zero written by the slice's backward, so the kernel reads only written memory. The forward pass and
/// the weight gradient are unaffected by the defect, so inference and inputs that need no gradient (a network's
/// first layer in training) take the plain path at no cost.
/// </para>
/// </summary>
public static class BlockAlignedConvolution
{
    /// <summary>The widest channel block oneDNN uses for float32 on CPUs (AVX-512); a multiple of AVX2's 8.</summary>
    public const int ChannelBlock = 16;

    public static Tensor Forward(Conv2d convolution, Tensor input)
    {
        var weight = convolution.weight!;
        var outputs = weight.shape[0];
        if (outputs % ChannelBlock == 0 || !input.requires_grad || !is_grad_enabled() || input.device_type != TorchSharp.DeviceType.CPU)
        {
            return convolution.forward(input);
        }

        using var scope = NewDisposeScope();
        var missing = ChannelBlock - (outputs % ChannelBlock);
        var paddedWeight = cat([weight, zeros([missing, .. weight.shape[1..]], weight.dtype, weight.device)], 0);
        var bias = convolution.bias;
        var paddedBias = bias is null ? null : cat([bias, zeros([missing], bias.dtype, bias.device)], 0);
        var output = nn.functional.conv2d(
            input, paddedWeight, paddedBias, convolution.stride, convolution.padding, convolution.dilation, convolution.groups);
        return output[.., ..(int)outputs].MoveToOuterDisposeScope();
    }
}
