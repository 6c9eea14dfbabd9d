using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>Mean squared feature difference relative to the content features' mean square.</summary>
public static class ContentLoss
{
    public static Tensor Compute(Tensor generated, Tensor content, Tensor contentScale) =>
        generated.sub(content).square().mean().div(contentScale.Plus(1e-8f));

    public static Tensor Scale(Tensor content) => content.square().mean().detach();
}
