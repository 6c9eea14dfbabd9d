using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// A single-style (Johnson et al.) or multi-style (conditional instance norm) transformer. A mixture of trained
/// styles mixes their γ/β rows. Regions use spatially varying γ/β: each pixel's γ/β mix its regions' mixtures
/// in proportion to their masks, in one pass; where no mask reaches, the content shows through.
/// </summary>
public sealed class TransformerStyleModel : IStyleModel
{
    public TransformerStyleModel(TransformerNet network, StyleModelInfo info, Device? device = null)
    {
        if (info.Kind == StyleModelKind.AdaIn)
        {
            throw new ArgumentException("A transformer network is a single- or multi-style model.", nameof(info));
        }

        if (info.Styles.Count != network.Styles)
        {
            throw new ArgumentException($"The network has {network.Styles} style(s) but the model names {info.Styles.Count}.", nameof(info));
        }

        Network = network;
        Info = info;
        Device = device ?? CPU;
        if (Device.type != TorchSharp.DeviceType.CPU)
        {
            network.to(Device);
        }
    }

    public TransformerNet Network { get; }

    public StyleModelInfo Info { get; }

    public StyleModelKind Kind => Info.Kind;

    public int StyleCount => Network.Styles;

    public Device Device { get; }

    /// <summary>Reflection padding rendered around every picture and cropped away (see <see cref="FeedForward.BorderPadding"/>); 0 renders as is.</summary>
    public int BorderPadding { get; set; } = FeedForward.BorderPadding.DefaultPixels;

    /// <summary>Set by <see cref="OnnxExport.UseOnnxRuntime"/>: renders run the network on ONNX Runtime.</summary>
    internal TransformerOnnxNetwork? Onnx { get; set; }

    public PlanarImage Stylise(PlanarImage content, IReadOnlyList<FeedForwardRegion> regions, float alpha = 1f, NormStatistics? statistics = null)
    {
        if (alpha != 1f)
        {
            throw new ArgumentException("Alpha (the content/style trade-off) applies to AdaIN models only.", nameof(alpha));
        }

        return StyliseBatch([new StyleBatchItem(content, regions, alpha, statistics)])[0];
    }

    /// <summary>
    /// One forward pass over all items: contents stacked [N, 3, H, W], style conditions per sample (global [N, S]
    /// rows, or per-pixel maps [N, S, H, W] for the whole batch as soon as one item has masks), coverage per sample,
    /// and normalisation statistics per sample: frozen rows where an item brings statistics, its own instance
    /// statistics where it does not.
    /// </summary>
    public IReadOnlyList<PlanarImage> StyliseBatch(IReadOnlyList<StyleBatchItem> items) =>
        FeedForward.BorderPadding.Render(items, BorderPadding, StyliseUnpadded);

    private IReadOnlyList<PlanarImage> StyliseUnpadded(IReadOnlyList<StyleBatchItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return [];
        }

        var (width, height) = StyleBatchItem.CommonSize(items, nameof(items));
        if (items.Any(i => i.Alpha != 1f))
        {
            throw new ArgumentException("Alpha (the content/style trade-off) applies to AdaIN models only.", nameof(items));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Network.eval();
        var input = items.Count == 1 ? items[0].Content.ToTensor(Device) : cat([.. items.Select(i => i.Content.ToTensor(Device))], 0);
        var (condition, coverage) = BatchCondition(items, width, height);
        var (statistics, stacked) = BatchStatistics(items);
        try
        {
            var output = Render(input, condition, coverage, statistics);
            return [.. Enumerable.Range(0, items.Count).Select(i => output[i].ToPlanarImage())];
        }
        finally
        {
            stacked?.Dispose();
        }
    }

    public NormStatistics CaptureStatistics(PlanarImage image, IReadOnlyList<FeedForwardRegion> regions)
    {
        // Statistics of the padded picture, as the padded renders will normalise with them.
        var amount = FeedForward.BorderPadding.Amount(image.Width, image.Height, BorderPadding);
        image = FeedForward.BorderPadding.Reflect(image, amount);
        regions = FeedForward.BorderPadding.Pad(regions, amount);
        var statistics = NormStatistics.StartCapture();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Network.eval();
            var (condition, _) = Condition(regions, image.Width, image.Height);
            Network.forward(image.ToTensor(Device), condition, statistics);
            return statistics.Freeze();
        }
        catch
        {
            statistics.Dispose();
            throw;
        }
    }

    public IEnumerable<SafeTensor> Export() => ModuleWeights.Export(Network);

    public void Dispose()
    {
        Onnx?.Dispose();
        Network.Dispose();
    }

    /// <summary>The network's output, blended back to the input where no region reaches.</summary>
    internal Tensor Render(Tensor input, StyleCondition condition, Tensor? coverage, NormStatistics? statistics)
    {
        var output = Onnx is { } onnx && TransformerOnnxNetwork.CanRun(statistics)
            ? onnx.Forward(input, condition, statistics)
            : Network.forward(input, condition, statistics);
        return coverage is null ? output : input.Plus(output.sub(input).mul(coverage));
    }

    /// <summary>The items' conditions stacked per sample (globals expanded to maps when any item is spatial) and their coverage (1 for unmasked items).</summary>
    private (StyleCondition Condition, Tensor? Coverage) BatchCondition(IReadOnlyList<StyleBatchItem> items, int width, int height)
    {
        var conditions = items.Select(i => Condition(i.Regions, width, height)).ToList();
        if (conditions.Count == 1)
        {
            return conditions[0];
        }

        var coverage = conditions.All(c => c.Coverage is null)
            ? null
            : cat([.. conditions.Select(c => c.Coverage ?? ones(1, 1, height, width, device: Device))], 0);
        if (conditions.All(c => !c.Condition.IsSpatial))
        {
            return (StyleCondition.Global(cat([.. conditions.Select(c => c.Condition.Weights)], 0)), coverage);
        }

        var maps = conditions.Select(c => c.Condition.IsSpatial
            ? c.Condition.Weights
            : c.Condition.Weights.unsqueeze(-1).unsqueeze(-1).expand(1, StyleCount, height, width));
        return (StyleCondition.Spatial(cat([.. maps], 0)), coverage);
    }

    /// <summary>
    /// Statistics for the pass: none, the one instance all items share (as given, so a single item may still be
    /// capturing), or per-sample rows stacked into a new instance that the caller disposes (<c>Stacked</c>).
    /// </summary>
    private (NormStatistics? Statistics, NormStatistics? Stacked) BatchStatistics(IReadOnlyList<StyleBatchItem> items)
    {
        var first = items[0].Statistics;
        var points = Network.Norms.Select(n => (n.Index, n.Channels)).ToList();
        if (items.All(i => ReferenceEquals(i.Statistics, first)))
        {
            if (first is { IsRecording: false })
            {
                first.CheckFits(points, nameof(items));
            }

            return (first, null);
        }

        foreach (var item in items)
        {
            item.Statistics?.CheckFits(points, nameof(items));
        }

        var stacked = NormStatistics.Stack([.. items.Select(i => i.Statistics)], points, Device);
        return (stacked, stacked);
    }

    /// <summary>Global weights [1, S] for one unmasked region; otherwise per-pixel weights [1, S, H, W] and the coverage.</summary>
    internal (StyleCondition Condition, Tensor? Coverage) Condition(IReadOnlyList<FeedForwardRegion> regions, int width, int height)
    {
        if (regions.Count == 0)
        {
            throw new ArgumentException("Give at least one region.", nameof(regions));
        }

        var mixtures = regions.Select(Mixture).ToList();
        if (regions.Count == 1 && regions[0].Mask is null)
        {
            return (StyleCondition.Global(tensor(mixtures[0], [1, StyleCount], device: Device)), null);
        }

        var masks = regions.Select(r => RegionTensors.Mask(r, width, height, Device)).ToList();
        var (shares, coverage) = RegionTensors.Shares(masks, height, width, Device);

        // Uncovered pixels still need γ/β that sum to one style (the output is replaced by the content there,
        // but convolutions spread values): give them the average mixture.
        var average = new float[StyleCount];
        foreach (var mixture in mixtures)
        {
            for (var s = 0; s < average.Length; s++)
            {
                average[s] += mixture[s] / mixtures.Count;
            }
        }

        var maps = coverage.neg().Plus(1f).mul(tensor(average, [1, StyleCount, 1, 1], device: Device));
        for (var r = 0; r < regions.Count; r++)
        {
            maps = maps.Plus(shares[r].mul(tensor(mixtures[r], [1, StyleCount, 1, 1], device: Device)));
        }

        return (StyleCondition.Spatial(maps), coverage);
    }

    private float[] Mixture(FeedForwardRegion region)
    {
        var weights = RegionTensors.Normalised(region.Styles);
        var mixture = new float[StyleCount];
        for (var i = 0; i < region.Styles.Count; i++)
        {
            var index = region.Styles[i].Index
                ?? throw new ArgumentException($"Style '{region.Styles[i].Name}': choose a trained style by index (this is a {Info.Architecture} model).");
            if (index < 0 || index >= StyleCount)
            {
                throw new ArgumentException($"Style index {index} is out of range: this model has {StyleCount} style(s) ({string.Join(", ", Info.Styles)}).");
            }

            mixture[index] += weights[i];
        }

        return mixture;
    }
}
