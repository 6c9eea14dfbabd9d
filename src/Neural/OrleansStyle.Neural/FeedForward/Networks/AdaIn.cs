using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Adaptive instance normalisation (Huang &amp; Belongie 2017): content features take the style's per-channel
/// mean and standard deviation, AdaIN(x, y) = σ(y) (x − μ(x)) / σ(x) + μ(y). Statistics are per sample and
/// channel, optionally over a soft mask (spatial control), with biased variance and ε = 1e-5.
/// </summary>
public static class AdaIn
{
    // Held for the process: an implicit float→Scalar temporary can be finalised while libtorch still reads it.
    private static readonly Scalar Epsilon = 1e-5f.ToScalar();

    /// <summary>
    /// Mean and standard deviation [N, C, 1, 1] of features [N, C, H, W]; with a mask [N or 1, 1, h, w]
    /// (resized to H × W by area averaging) each position counts with its mask weight.
    /// </summary>
    public static (Tensor Mean, Tensor Std) Statistics(Tensor features, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        if (mask is null)
        {
            var (variance, mean) = var_mean(features, [2, 3], unbiased: false, keepdim: true);
            return (mean.MoveToOuterDisposeScope(), variance.Plus(Epsilon).sqrt().MoveToOuterDisposeScope());
        }

        var weights = ResizeMask(mask, features.shape[2], features.shape[3]);
        var total = weights.sum([2, 3], keepdim: true).AtLeast(1e-6f);
        var weightedMean = features.mul(weights).sum([2, 3], keepdim: true).div(total);
        var weightedVariance = features.sub(weightedMean).square().mul(weights).sum([2, 3], keepdim: true).div(total);
        return (weightedMean.MoveToOuterDisposeScope(), weightedVariance.Plus(Epsilon).sqrt().MoveToOuterDisposeScope());
    }

    /// <summary>AdaIN with precomputed statistics; every statistic broadcasts as [N or 1, C, 1, 1].</summary>
    public static Tensor Apply(Tensor content, Tensor contentMean, Tensor contentStd, Tensor styleMean, Tensor styleStd)
    {
        using var scope = NewDisposeScope();
        var scale = styleStd.div(contentStd);
        return content.sub(contentMean).mul(scale).PlusInPlace(styleMean).MoveToOuterDisposeScope();
    }

    /// <summary>AdaIN of content features [N, C, H, W] onto the statistics of style features [N or 1, C, h, w].</summary>
    public static Tensor Apply(Tensor content, Tensor style)
    {
        using var scope = NewDisposeScope();
        var (contentMean, contentStd) = Statistics(content);
        var (styleMean, styleStd) = Statistics(style);
        return Apply(content, contentMean, contentStd, styleMean, styleStd).MoveToOuterDisposeScope();
    }

    /// <summary>A mask resized to a feature map by area averaging (soft edges stay soft).</summary>
    public static Tensor ResizeMask(Tensor mask, long height, long width) =>
        mask.shape[2] == height && mask.shape[3] == width
            ? mask
            : nn.functional.interpolate(mask, [height, width], mode: InterpolationMode.Area);
}
