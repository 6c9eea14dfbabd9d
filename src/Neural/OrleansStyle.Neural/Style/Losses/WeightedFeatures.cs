using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>
/// Activations of one tap as a [C, N] matrix of N positions, with optional soft region weights [N] in [0, 1].
/// Weighted statistics implement spatial control (guided Gram in Gatys et al. 2017): positions outside a
/// region contribute nothing, and every statistic is normalised by the region's total weight.
/// </summary>
public readonly record struct WeightedFeatures(Tensor Features, Tensor? Weights)
{
    // Held for the process: an implicit float→Scalar temporary can be finalised while libtorch still reads it.
    private static readonly Scalar VarianceFloor = 1e-5f.ToScalar();

    public long Channels => Features.shape[0];

    /// <summary>From a [1, C, H, W] activation and an optional [1, 1, h, w] mask resized to H × W.</summary>
    public static WeightedFeatures From(Tensor activation, Tensor? mask)
    {
        var features = activation.reshape(activation.shape[1], -1);
        if (mask is null)
        {
            return new WeightedFeatures(features, null);
        }

        var resized = mask.shape[2] == activation.shape[2] && mask.shape[3] == activation.shape[3]
            ? mask
            : nn.functional.interpolate(mask, [activation.shape[2], activation.shape[3]], mode: InterpolationMode.Area);
        return new WeightedFeatures(features, resized.reshape(-1));
    }

    public Tensor TotalWeight() => Weights is null ? tensor((float)Features.shape[1]) : Weights.sum().AtLeast(1e-6f);

    /// <summary>Weighted mean over positions, [C].</summary>
    public Tensor Mean() => Weights is null
        ? Features.mean([1])
        : Features.mul(Weights).sum(1).div(TotalWeight());

    /// <summary>Weighted second moment F W Fᵀ / ΣW, [C, C]: the Gram matrix of Gatys et al., size-independent.</summary>
    public Tensor Gram()
    {
        var weighted = Weights is null ? Features : Features.mul(Weights);
        return weighted.matmul(Features.t()).div(TotalWeight());
    }

    /// <summary>Weighted covariance, [C, C].</summary>
    public Tensor Covariance()
    {
        var mean = Mean();
        return Gram().sub(mean.outer(mean));
    }

    /// <summary>Weighted standard deviation per channel, [C].</summary>
    public Tensor Std()
    {
        var mean = Mean();
        var centred = Features.sub(mean.unsqueeze(1)).square();
        var variance = Weights is null ? centred.mean([1]) : centred.mul(Weights).sum(1).div(TotalWeight());
        return variance.Plus(VarianceFloor).sqrt();
    }

    /// <summary>
    /// A fixed sample of positions, drawn in proportion to the weights, as [M, C] rows. Kernel losses compare
    /// samples because an N × N kernel over every position is too large; fixed draws keep the loss deterministic.
    /// </summary>
    public Tensor Sample(int count, Generator generator)
    {
        var positions = Features.shape[1];
        Tensor indices;
        if (Weights is null)
        {
            indices = positions <= count ? HeldScalars.Range(positions) : randperm(positions, generator: generator)[..count];
        }
        else
        {
            var probabilities = Weights.detach().AtLeast(0f).Plus(1e-12f);
            indices = multinomial(probabilities, Math.Min(count, positions), replacement: positions < count, generator: generator);
        }

        return Features.index_select(1, indices.to(Features.device)).t();
    }
}
