using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>
/// Squared Wasserstein-2 distance between N(μ, Σ) and N(μ_s, Σ_s):
/// ‖μ − μ_s‖² + tr Σ + tr Σ_s − 2 tr (Σ_s^½ Σ Σ_s^½)^½, divided by ‖μ_s‖² + tr Σ_s.
/// Σ_s^½ is computed once; the trace of the inner square root is the sum of square roots of its eigenvalues.
/// </summary>
public sealed class WassersteinLoss : StyleLoss
{
    public override StyleLossKind Kind => StyleLossKind.Wasserstein;

    public override StyleTarget Target(WeightedFeatures style)
    {
        var mean = style.Mean().detach();
        var covariance = style.Covariance().detach();
        var (eigenvalues, eigenvectors) = linalg.eigh(covariance.to(float64));
        var root = eigenvectors.mul(eigenvalues.AtLeast(0f).sqrt()).matmul(eigenvectors.t()).to(float32);
        var trace = covariance.trace();
        return new StyleTarget(new Dictionary<string, Tensor>
        {
            ["mean"] = mean,
            ["root"] = root,
            ["trace"] = trace,
            ["scale"] = mean.square().sum().Plus(trace),
        });
    }

    public override Tensor Loss(WeightedFeatures generated, StyleTarget target)
    {
        var covariance = generated.Covariance();
        var root = target["root"];
        var inner = root.matmul(covariance).matmul(root);
        inner = inner.Plus(inner.t()).Times(0.5f); // symmetric up to rounding; eigvalsh needs it exactly
        var crossTrace = linalg.eigvalsh(inner.to(float64)).AtLeast(1e-10).sqrt().sum().to(float32);
        var distance = generated.Mean().sub(target["mean"]).square().sum()
            .Plus(covariance.trace())
            .Plus(target["trace"])
            .sub(crossTrace.Times(2f));
        return Relative(distance.AtLeast(0f), target["scale"]);
    }
}
