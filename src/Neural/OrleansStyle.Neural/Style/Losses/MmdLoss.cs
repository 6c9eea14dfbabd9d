using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

public enum MmdKernel
{
    Linear,
    Polynomial,
    Gaussian,
}

/// <summary>
/// Squared maximum mean discrepancy between generated and style feature distributions:
/// E k(x, x') + E k(y, y') − 2 E k(x, y), over fixed samples of positions. Divided by E k(y, y').
/// </summary>
public sealed class MmdLoss(MmdKernel kernel, int seed = 0) : StyleLoss
{
    private const int Samples = 1024;

    public MmdKernel Kernel { get; } = kernel;

    public override StyleLossKind Kind => Kernel switch
    {
        MmdKernel.Linear => StyleLossKind.MmdLinear,
        MmdKernel.Polynomial => StyleLossKind.MmdPolynomial,
        _ => StyleLossKind.MmdGaussian,
    };

    public override StyleTarget Target(WeightedFeatures style)
    {
        if (Kernel == MmdKernel.Linear)
        {
            // The linear kernel's MMD is exactly ‖μ − μ_s‖²: no sampling needed.
            var mean = style.Mean().detach();
            return new StyleTarget(new Dictionary<string, Tensor> { ["mean"] = mean, ["selfKernel"] = mean.square().sum() });
        }

        var sample = style.Sample(Samples, new Generator((ulong)seed + 1)).detach();
        var channels = sample.shape[1];

        // Gaussian bandwidth: the style sample's mean squared pairwise distance (a standard heuristic).
        var bandwidth = Kernel == MmdKernel.Gaussian ? cdist(sample, sample).square().mean().detach() : tensor(1f);
        var selfKernel = Apply(sample, sample, channels, bandwidth).mean().detach();
        return new StyleTarget(new Dictionary<string, Tensor>
        {
            ["sample"] = sample,
            ["bandwidth"] = bandwidth,
            ["selfKernel"] = selfKernel,
        });
    }

    public override Tensor Loss(WeightedFeatures generated, StyleTarget target)
    {
        if (Kernel == MmdKernel.Linear)
        {
            return Relative(generated.Mean().sub(target["mean"]).square().sum(), target["selfKernel"]);
        }

        // The same seed each call draws the same positions, so L-BFGS sees one deterministic function
        // (and identical features give exactly zero).
        var x = generated.Sample(Samples, new Generator((ulong)seed + 1));
        var y = target["sample"];
        var channels = x.shape[1];
        var bandwidth = target["bandwidth"];
        var mmd = Apply(x, x, channels, bandwidth).mean()
            .Plus(target["selfKernel"])
            .sub(Apply(x, y, channels, bandwidth).mean().Times(2f));
        return Relative(mmd, target["selfKernel"]);
    }

    private Tensor Apply(Tensor x, Tensor y, long channels, Tensor bandwidth) => Kernel switch
    {
        MmdKernel.Polynomial => x.matmul(y.t()).DividedBy(channels).Plus(1f).square(),
        _ => cdist(x, y).square().div(bandwidth.Times(2f)).neg().exp(),
    };
}
