using OrleansStyle.Neural.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Conditional instance normalisation (Dumoulin et al. 2017): each of S styles owns a row of γ and β
/// ([S, C] <c>weight</c> and <c>bias</c>); a <see cref="StyleCondition"/> mixes the rows, globally or per pixel.
/// With S = 1 this is the affine instance norm of Johnson et al. Statistics are per sample and channel
/// (biased variance, ε = 1e-5, as <c>nn.InstanceNorm2d</c>) unless frozen <see cref="NormStatistics"/> are injected.
/// </summary>
public sealed class ConditionalInstanceNorm2d : nn.Module
{
    // Held for the process: an implicit float→Scalar temporary can be finalised while libtorch still reads it
    // ("Unknown scalar type" in training, about once in a few thousand steps).
    private static readonly Scalar Epsilon = 1e-5f.ToScalar();

    private readonly Parameter weight;
    private readonly Parameter bias;

    public ConditionalInstanceNorm2d(string name, long channels, int styles, int index)
        : base(name)
    {
        Index = index;
        weight = new Parameter(ones(styles, channels));
        bias = new Parameter(zeros(styles, channels));
        RegisterComponents();
    }

    /// <summary>This layer's position among the network's normalisation points (the key in <see cref="NormStatistics"/>).</summary>
    public int Index { get; }

    public long Channels => weight.shape[1];

    public int Styles => (int)weight.shape[0];

    internal Parameter Gamma => weight;

    internal Parameter Beta => bias;

    public Tensor forward(Tensor input, StyleCondition condition, NormStatistics? statistics = null)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = NormStatistics.Resolve(statistics, Index, () =>
        {
            var (variance, average) = var_mean(input, [2, 3], unbiased: false, keepdim: true);
            return (average, variance.Plus(Epsilon).sqrt());
        });

        // γ (x − μ) / σ + β folded into one scale and shift.
        var (gamma, beta) = condition.Affine(weight, bias, input.shape[2], input.shape[3]);
        var scale = gamma.div(std);
        var shift = beta.sub(mean.mul(scale));
        return input.mul(scale).PlusInPlace(shift).MoveToOuterDisposeScope();
    }
}
