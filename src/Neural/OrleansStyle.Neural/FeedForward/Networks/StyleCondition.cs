using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Which of a conditional network's S trained styles to render, as mixing weights: one row per batch element
/// ([N, S], Dumoulin et al. 2017: a one-hot row is a single style, other rows interpolate γ and β) or one weight
/// map per style ([N, S, H, W] at the input's resolution) for spatial control, so each pixel mixes its own γ and β.
/// The tensor belongs to the caller's dispose scope.
/// </summary>
public sealed class StyleCondition
{
    private StyleCondition(Tensor weights) => Weights = weights;

    public Tensor Weights { get; }

    public bool IsSpatial => Weights.dim() == 4;

    public long Styles => Weights.shape[1];

    /// <summary>Per-element weights [N, S].</summary>
    public static StyleCondition Global(Tensor weights)
    {
        if (weights.dim() != 2)
        {
            throw new ArgumentException($"Global style weights are [N, S]; got [{string.Join(',', weights.shape)}].", nameof(weights));
        }

        return new StyleCondition(weights);
    }

    /// <summary>Per-pixel weights [N, S, H, W] at the input image's resolution.</summary>
    public static StyleCondition Spatial(Tensor maps)
    {
        if (maps.dim() != 4)
        {
            throw new ArgumentException($"Spatial style weights are [N, S, H, W]; got [{string.Join(',', maps.shape)}].", nameof(maps));
        }

        return new StyleCondition(maps);
    }

    /// <summary>One-hot rows: batch element i renders style <paramref name="styles"/>[i] of <paramref name="count"/>.</summary>
    public static StyleCondition OneHot(IReadOnlyList<int> styles, int count, Device? device = null) =>
        new(nn.functional.one_hot(tensor(styles.Select(s => (long)s).ToArray(), device: device), count).to(float32));

    /// <summary>The same weights for every element of a batch of <paramref name="batch"/>.</summary>
    public static StyleCondition Mix(IReadOnlyList<float> weights, int batch = 1, Device? device = null) =>
        new(tensor(weights.ToArray(), device: device).unsqueeze(0).expand(batch, weights.Count).contiguous());

    /// <summary>Pads a spatial condition the way the network pads its input (no-op for global weights).</summary>
    internal StyleCondition Pad(long bottom, long right) =>
        !IsSpatial || (bottom == 0 && right == 0)
            ? this
            : new StyleCondition(nn.functional.pad(Weights, [0, right, 0, bottom], PaddingModes.Replicate));

    /// <summary>γ and β for a feature map of <paramref name="height"/> × <paramref name="width"/>: [N, C, 1, 1] or [N, C, h, w].</summary>
    internal (Tensor Gamma, Tensor Beta) Affine(Tensor weight, Tensor bias, long height, long width)
    {
        if (Weights.shape[1] != weight.shape[0])
        {
            throw new ArgumentException($"The condition weighs {Weights.shape[1]} styles but the network has {weight.shape[0]}.");
        }

        if (!IsSpatial)
        {
            var gamma = Weights.matmul(weight);
            var beta = Weights.matmul(bias);
            return (gamma.unsqueeze(-1).unsqueeze(-1), beta.unsqueeze(-1).unsqueeze(-1));
        }

        var maps = Weights.shape[2] == height && Weights.shape[3] == width
            ? Weights
            : nn.functional.interpolate(Weights, [height, width], mode: InterpolationMode.Area);
        return (einsum("nshw,sc->nchw", maps, weight), einsum("nshw,sc->nchw", maps, bias));
    }
}
