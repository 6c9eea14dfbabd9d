using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>How an AdaIN model moves content features towards a style's statistics.</summary>
public enum FeatureTransform
{
    /// <summary>Per-channel mean and standard deviation (Huang &amp; Belongie 2017).</summary>
    AdaIn,

    /// <summary>Whitening–colouring: the style's mean and full channel covariance (Li et al. 2017).</summary>
    Wct,
}

/// <summary>
/// The whitening–colouring transform (Li et al. 2017): content features lose their channel correlations
/// (Σc^−½ (f − μc)) and take the style's (Σs^½ · + μs), so the result has the style's mean and covariance, not just
/// its per-channel spread. Statistics are over one sample (N = 1), optionally under a soft mask; matrix work is in
/// double precision, and eigenvalues are floored relative to the largest so near-constant channels stay stable.
/// </summary>
public static class Wct
{
    /// <summary>Eigenvalues below this fraction of the largest are raised to it (regularises the whitening).</summary>
    private const double RelativeFloor = 1e-4;

    /// <summary>Mean [1, C, 1, 1] (float) and covariance [C, C] (double) of features [1, C, H, W], optionally under a mask.</summary>
    public static (Tensor Mean, Tensor Covariance) Statistics(Tensor features, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        if (features.shape[0] != 1)
        {
            throw new ArgumentException("WCT statistics are per sample: give features of one image [1, C, H, W].", nameof(features));
        }

        var channels = features.shape[1];
        var x = features.reshape(channels, -1).to(ScalarType.Float64);
        var weights = mask is null
            ? ones(1, x.shape[1], dtype: ScalarType.Float64, device: x.device)
            : AdaIn.ResizeMask(mask, features.shape[2], features.shape[3]).reshape(1, -1).to(ScalarType.Float64);
        var total = weights.sum().AtLeast(1e-6);
        var mean = x.mul(weights).sum(1, keepdim: true).div(total);
        var centred = x.sub(mean);
        var covariance = centred.mul(weights).matmul(centred.t()).div(total);
        return (mean.to(ScalarType.Float32).reshape(1, channels, 1, 1).MoveToOuterDisposeScope(), covariance.MoveToOuterDisposeScope());
    }

    /// <summary>Σ^p of a covariance [C, C] (p = −½ whitens, ½ colours), as float.</summary>
    public static Tensor Power(Tensor covariance, double power)
    {
        using var scope = NewDisposeScope();
        var symmetric = covariance.Plus(covariance.t()).DividedBy(2);
        var (values, vectors) = linalg.eigh(symmetric);
        var floor = Math.Max(values.max().item<double>() * RelativeFloor, 1e-8);
        var scaled = values.AtLeast(floor).ToPower(power);
        return vectors.mul(scaled.unsqueeze(0)).matmul(vectors.t()).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>colouring · whitening · (f − μc) + μs for features [N, C, H, W] (matrices [C, C], means [1, C, 1, 1]).</summary>
    public static Tensor Apply(Tensor content, Tensor contentMean, Tensor whitening, Tensor styleMean, Tensor colouring)
    {
        using var scope = NewDisposeScope();
        var (n, c, h, w) = (content.shape[0], content.shape[1], content.shape[2], content.shape[3]);
        var transform = colouring.matmul(whitening).to(content.dtype);
        var centred = content.sub(contentMean).reshape(n, c, h * w);
        return transform.matmul(centred).reshape(n, c, h, w).Plus(styleMean).MoveToOuterDisposeScope();
    }
}
