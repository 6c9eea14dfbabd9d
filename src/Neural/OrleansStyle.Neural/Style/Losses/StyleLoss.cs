using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>
/// A style loss compares statistics of generated features with those of a style (Li et al. 2017,
/// "Demystifying Neural Style Transfer": each is a maximum mean discrepancy under some kernel, or a
/// distance between distributions). Every loss is relative — divided by the size of the style's own
/// statistic — so one weight means the same at every tap, image size and layer width.
/// </summary>
public abstract class StyleLoss
{
    public abstract StyleLossKind Kind { get; }

    /// <summary>Precomputes the style side once per run. The tensors are detached and belong to the caller's scope.</summary>
    public abstract StyleTarget Target(WeightedFeatures style);

    public abstract Tensor Loss(WeightedFeatures generated, StyleTarget target);

    public static StyleLoss Create(StyleLossKind kind, int seed = 0) => kind switch
    {
        StyleLossKind.Gram => new GramLoss(),
        StyleLossKind.MeanStd => new MeanStdLoss(),
        StyleLossKind.MmdLinear => new MmdLoss(MmdKernel.Linear, seed),
        StyleLossKind.MmdPolynomial => new MmdLoss(MmdKernel.Polynomial, seed),
        StyleLossKind.MmdGaussian => new MmdLoss(MmdKernel.Gaussian, seed),
        StyleLossKind.Wasserstein => new WassersteinLoss(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown style loss."),
    };

    protected static Tensor Relative(Tensor squaredError, Tensor targetScale) =>
        squaredError.div(targetScale.Plus(1e-8f));
}

public enum StyleLossKind
{
    /// <summary>Gram matrices: MMD with the polynomial kernel (xᵀy)².</summary>
    Gram,

    /// <summary>Channel means and standard deviations, the statistics batch/instance norm align.</summary>
    MeanStd,

    /// <summary>MMD with k(x, y) = xᵀy: matches channel means only.</summary>
    MmdLinear,

    /// <summary>MMD with k(x, y) = (xᵀy / C + 1)².</summary>
    MmdPolynomial,

    /// <summary>MMD with a Gaussian kernel whose bandwidth is set from the style's own spread.</summary>
    MmdGaussian,

    /// <summary>Wasserstein-2 distance between Gaussians with the features' means and covariances.</summary>
    Wasserstein,
}

/// <summary>The precomputed style side of a loss: named, detached tensors.</summary>
public sealed class StyleTarget(IReadOnlyDictionary<string, Tensor> tensors) : IDisposable
{
    public Tensor this[string name] => tensors[name];

    public void Dispose()
    {
        foreach (var value in tensors.Values)
        {
            value.Dispose();
        }
    }
}
