using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>‖G − G_s‖² / ‖G_s‖² with G = F W Fᵀ / ΣW (Gatys et al. 2016).</summary>
public sealed class GramLoss : StyleLoss
{
    public override StyleLossKind Kind => StyleLossKind.Gram;

    public override StyleTarget Target(WeightedFeatures style)
    {
        var gram = style.Gram().detach();
        return new StyleTarget(new Dictionary<string, Tensor> { ["gram"] = gram, ["scale"] = gram.square().sum() });
    }

    public override Tensor Loss(WeightedFeatures generated, StyleTarget target) =>
        Relative(generated.Gram().sub(target["gram"]).square().sum(), target["scale"]);
}
