using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>Mean squared difference between neighbouring pixels: suppresses high-frequency noise.</summary>
public static class TotalVariation
{
    public static Tensor Compute(Tensor image)
    {
        var dx = image[.., .., .., 1..].sub(image[.., .., .., ..^1]).square().mean();
        var dy = image[.., .., 1.., ..].sub(image[.., .., ..^1, ..]).square().mean();
        return dx.Plus(dy);
    }
}
