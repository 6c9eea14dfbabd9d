using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Color;

/// <summary>
/// Moves one image's colour distribution onto another's (Gatys et al. 2017, colour histogram matching).
/// Images are [1, 3, H, W] in [0, 1]; optional [1, 1, H, W] masks restrict which pixels are measured,
/// so a region can be matched to the part of the photo it covers.
/// </summary>
public static class ColorTransfer
{
    /// <summary>
    /// The affine map x' = A (x − μ_s) + μ_r with A = Σ_r^½ Σ_s^−½, so the source takes the reference's
    /// colour mean and covariance (the "image analogies" variant of the paper).
    /// </summary>
    public static Tensor MatchMeanCovariance(Tensor source, Tensor reference, Tensor? sourceMask = null, Tensor? referenceMask = null)
    {
        using var scope = NewDisposeScope();
        var (sourceMean, sourceCovariance) = ColorStatistics(source, sourceMask);
        var (referenceMean, referenceCovariance) = ColorStatistics(reference, referenceMask);
        var transform = MatrixPower(referenceCovariance, 0.5).matmul(MatrixPower(sourceCovariance, -0.5)).to(float32);

        var pixels = source.reshape(3, -1);
        var mapped = transform.matmul(pixels.sub(sourceMean.unsqueeze(1))).Plus(referenceMean.unsqueeze(1));
        return mapped.reshape(source.shape).ClampToUnit().MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel histogram matching: each source value takes the reference value of the same rank.</summary>
    public static Tensor MatchHistograms(Tensor source, Tensor reference, Tensor? referenceMask = null)
    {
        using var scope = NewDisposeScope();
        var pixels = source.reshape(3, -1);
        var count = pixels.shape[1];
        var referencePixels = Select(reference, referenceMask);
        var sortedReference = referencePixels.sort(1).Values;
        var referenceCount = sortedReference.shape[1];

        var order = pixels.argsort(1);
        var ranks = empty_like(order).scatter_(1, order, HeldScalars.Range(count, source.device).expand(3, count).contiguous());
        var quantileIndex = ranks.to(float32).Times((referenceCount - 1) / (float)Math.Max(count - 1, 1)).round().to(int64);
        var matched = sortedReference.gather(1, quantileIndex);
        return matched.reshape(source.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Mean [3] and covariance [3, 3] of the (masked) pixels, in float64 for stable matrix roots.</summary>
    internal static (Tensor Mean, Tensor Covariance) ColorStatistics(Tensor image, Tensor? mask)
    {
        var pixels = image.reshape(3, -1).to(float64);
        var weights = mask is null ? ones(pixels.shape[1], dtype: float64, device: image.device) : mask.reshape(-1).to(float64);
        var total = weights.sum().AtLeast(1e-6);
        var mean = pixels.mul(weights).sum(1).div(total);
        var centred = pixels.sub(mean.unsqueeze(1));
        var covariance = centred.mul(weights).matmul(centred.t()).div(total);

        // A little regularisation keeps flat images (a grey mask region) invertible.
        return (mean.to(float32), covariance.Plus(eye(3, dtype: float64, device: image.device).Times(1e-5)));
    }

    internal static Tensor MatrixPower(Tensor symmetric, double power)
    {
        var (values, vectors) = linalg.eigh(symmetric);
        return vectors.mul(values.AtLeast(1e-10).ToPower(power)).matmul(vectors.t());
    }

    private static Tensor Select(Tensor image, Tensor? mask)
    {
        var pixels = image.reshape(3, -1);
        if (mask is null)
        {
            return pixels;
        }

        var keep = mask.reshape(-1).GreaterThan(0.5f).nonzero().squeeze(1);
        return keep.shape[0] == 0 ? pixels : pixels.index_select(1, keep);
    }
}
