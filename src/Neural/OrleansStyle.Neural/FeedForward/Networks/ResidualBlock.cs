using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>Two 3×3 convolutions with conditional instance norm and a ReLU between, plus the identity (He et al. 2016).</summary>
public sealed class ResidualBlock : nn.Module
{
    private readonly ConvLayer conv1;
    private readonly ConditionalInstanceNorm2d in1;
    private readonly ConvLayer conv2;
    private readonly ConditionalInstanceNorm2d in2;

    public ResidualBlock(string name, long channels, int styles, int firstNormIndex)
        : base(name)
    {
        conv1 = new ConvLayer("conv1", channels, channels, 3);
        in1 = new ConditionalInstanceNorm2d("in1", channels, styles, firstNormIndex);
        conv2 = new ConvLayer("conv2", channels, channels, 3);
        in2 = new ConditionalInstanceNorm2d("in2", channels, styles, firstNormIndex + 1);
        RegisterComponents();
    }

    internal IEnumerable<ConditionalInstanceNorm2d> Norms => [in1, in2];

    public Tensor forward(Tensor input, StyleCondition condition, NormStatistics? statistics)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.relu(in1.forward(conv1.forward(input), condition, statistics));
        var residual = in2.forward(conv2.forward(hidden), condition, statistics);
        return residual.Plus(input).MoveToOuterDisposeScope();
    }
}
