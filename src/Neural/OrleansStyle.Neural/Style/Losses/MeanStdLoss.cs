using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>(‖μ − μ_s‖² + ‖σ − σ_s‖²) / (‖μ_s‖² + ‖σ_s‖²): the batch-norm statistics of Li et al. 2017.</summary>
public sealed class MeanStdLoss : StyleLoss
{
    public override StyleLossKind Kind => StyleLossKind.MeanStd;

    public override StyleTarget Target(WeightedFeatures style)
    {
        var mean = style.Mean().detach();
        var std = style.Std().detach();
        return new StyleTarget(new Dictionary<string, Tensor>
        {
            ["mean"] = mean,
            ["std"] = std,
            ["scale"] = mean.square().sum().Plus(std.square().sum()),
        });
    }

    public override Tensor Loss(WeightedFeatures generated, StyleTarget target)
    {
        var meanError = generated.Mean().sub(target["mean"]).square().sum();
        var stdError = generated.Std().sub(target["std"]).square().sum();
        return Relative(meanError.Plus(stdError), target["scale"]);
    }
}
