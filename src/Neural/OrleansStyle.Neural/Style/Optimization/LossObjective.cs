using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Optimization;

/// <summary>
/// The weighted sum of content, style and total-variation terms for one resolution. Holds the detached
/// targets; evaluating it runs the feature network once over the image being optimised.
/// </summary>
internal sealed class LossObjective(FeatureNetwork network, StyleLoss styleLoss) : IDisposable
{
    private readonly List<(string Tap, float Weight, Tensor Features, Tensor Scale)> _content = [];
    private readonly List<Tensor?> _regionMasks = [];
    private readonly List<(int Region, string Tap, float Weight, StyleTarget Target)> _style = [];
    private (Tensor Previous, Tensor Trust, float Weight)? _temporal;

    public void AddContent(string tap, float weight, Tensor features) =>
        _content.Add((tap, weight, features.detach(), ContentLoss.Scale(features)));

    public int AddRegion(Tensor? mask)
    {
        _regionMasks.Add(mask?.detach());
        return _regionMasks.Count - 1;
    }

    public void AddStyle(int region, string tap, float weight, StyleTarget target) => _style.Add((region, tap, weight, target));

    /// <summary>The previous frame's warped result and its trust mask (1×1×H×W) at this level's size (<see cref="TemporalPrior"/>).</summary>
    public void SetTemporal(Tensor previous, Tensor trust, float weight) => _temporal = (previous.detach(), trust.detach(), weight);

    public (Tensor Total, Tensor Content, Tensor Style) Evaluate(Tensor image, OptimizationSettings settings)
    {
        var taps = _content.Select(c => c.Tap).Concat(_style.Select(s => s.Tap)).Distinct().ToList();
        // Channels-last activations let oneDNN skip the NCHW reorders around every convolution, forward and backward:
        // 0.64–0.88 of the time per iteration at 256 and 512 px (bench optimize-variants, docs/benchmarks.md).
        var features = network.Extract(image.ToChannelsLast(), taps);

        var content = zeros(1, device: image.device).squeeze();
        foreach (var (tap, weight, target, scale) in _content)
        {
            content = content.Plus(ContentLoss.Compute(features[tap], target, scale).Times(weight));
        }

        var style = zeros(1, device: image.device).squeeze();
        foreach (var (region, tap, weight, target) in _style)
        {
            var generated = WeightedFeatures.From(features[tap], _regionMasks[region]);
            style = style.Plus(styleLoss.Loss(generated, target).Times(weight));
        }

        var total = content.Times(settings.ContentWeight)
            .Plus(style.Times(settings.StyleWeight))
            .Plus(TotalVariation.Compute(image).Times(settings.TotalVariationWeight));
        if (_temporal is { Weight: > 0 } temporal)
        {
            total = total.Plus(TemporalLoss.Compute(image, temporal.Previous, temporal.Trust).Times(temporal.Weight));
        }

        return (total, content, style);
    }

    public void Dispose()
    {
        foreach (var (_, _, features, scale) in _content)
        {
            features.Dispose();
            scale.Dispose();
        }

        foreach (var mask in _regionMasks)
        {
            mask?.Dispose();
        }

        foreach (var (_, _, _, target) in _style)
        {
            target.Dispose();
        }

        _temporal?.Previous.Dispose();
        _temporal?.Trust.Dispose();
    }
}
