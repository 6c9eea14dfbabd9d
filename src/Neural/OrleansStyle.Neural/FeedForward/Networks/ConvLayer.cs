using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>Reflection padding then a convolution, so borders see mirrored image rather than zeros.</summary>
public sealed class ConvLayer : nn.Module<Tensor, Tensor>
{
    private readonly ReflectionPad2d reflection_pad;
    private readonly Conv2d conv2d;

    public ConvLayer(string name, long inChannels, long outChannels, int kernelSize, int stride = 1)
        : base(name)
    {
        reflection_pad = nn.ReflectionPad2d(kernelSize / 2);
        conv2d = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: 0L);
        RegisterComponents();
    }

    internal Conv2d Convolution => conv2d;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return BlockAlignedConvolution.Forward(conv2d, reflection_pad.forward(input)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Nearest-neighbour upsampling by 2 then a reflection-padded convolution: the resize-convolution that avoids
/// the checkerboard artefacts of transposed convolutions (Odena et al. 2016).
/// </summary>
public sealed class UpsampleConvLayer : nn.Module<Tensor, Tensor>
{
    private readonly ConvLayer conv;

    public UpsampleConvLayer(string name, long inChannels, long outChannels, int kernelSize)
        : base(name)
    {
        conv = new ConvLayer("conv", inChannels, outChannels, kernelSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var upsampled = nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return conv.forward(upsampled).MoveToOuterDisposeScope();
    }
}

/// <summary>Nearest-neighbour ×2 upsampling as a module, for sequential decoders.</summary>
public sealed class NearestUpsample : nn.Module<Tensor, Tensor>
{
    public NearestUpsample(string name)
        : base(name)
    {
    }

    public override Tensor forward(Tensor input) =>
        nn.functional.interpolate(input, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
}
