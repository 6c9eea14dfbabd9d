using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// Arbitrary style transfer (Huang &amp; Belongie 2017): the frozen ResNet-18 encodes the content up to a tap,
/// AdaIN gives the features each style's channel mean and standard deviation, and the trained decoder paints the
/// result. Several styles interpolate their AdaIN outputs by weight; α blends with the content features
/// (α = 0 is the decoder's reconstruction of the content); regions run AdaIN with the content statistics of
/// their own mask and are blended by mask in feature space, and unmasked pixels keep the content features.
/// </summary>
public sealed class AdaInStyleModel : IStyleModel
{
    private readonly bool _ownsEncoder;

    public AdaInStyleModel(FeatureNetwork encoder, AdaInDecoder decoder, StyleModelInfo info, bool ownsEncoder = false, Device? device = null)
    {
        if (info.Kind != StyleModelKind.AdaIn)
        {
            throw new ArgumentException("An AdaIN decoder makes an AdaIN model.", nameof(info));
        }

        if (!encoder.Taps.Contains(decoder.Architecture.EncoderTap))
        {
            throw new ArgumentException($"The encoder has no tap '{decoder.Architecture.EncoderTap}'.", nameof(encoder));
        }

        Encoder = encoder;
        Decoder = decoder;
        Info = info;
        _ownsEncoder = ownsEncoder;
        Device = device ?? CPU;
        if (Device.type != TorchSharp.DeviceType.CPU)
        {
            decoder.to(Device);
            if (ownsEncoder)
            {
                encoder.to(Device);
            }
        }
    }

    public FeatureNetwork Encoder { get; }

    /// <summary>Set by <see cref="OnnxExport.UseOnnxRuntime"/>: the encoder and decoder run on ONNX Runtime.</summary>
    internal AdaInOnnxNetwork? Onnx { get; set; }

    public AdaInDecoder Decoder { get; }

    public string Tap => Decoder.Architecture.EncoderTap;

    public StyleModelInfo Info { get; }

    public StyleModelKind Kind => StyleModelKind.AdaIn;

    public int StyleCount => 0;

    public Device Device { get; }

    /// <summary>
    /// AdaIN (default) or WCT (<see cref="Wct"/>: the style's full channel covariance). WCT statistics can be frozen
    /// for tiles rendered in this process but not snapshotted, so the farm renders with AdaIN.
    /// </summary>
    public FeatureTransform Transform { get; set; } = FeatureTransform.AdaIn;

    /// <summary>Reflection padding rendered around every picture and cropped away (see <see cref="FeedForward.BorderPadding"/>); 0 renders as is.</summary>
    public int BorderPadding { get; set; } = FeedForward.BorderPadding.DefaultPixels;

    public PlanarImage Stylise(PlanarImage content, IReadOnlyList<FeedForwardRegion> regions, float alpha = 1f, NormStatistics? statistics = null)
    {
        if (!float.IsFinite(alpha) || alpha is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be between 0 (content) and 1 (full style).");
        }

        return StyliseBatch([new StyleBatchItem(content, regions, alpha, statistics)])[0];
    }

    /// <summary>
    /// Batched where the work is: the encoder and the decoder run once over all contents ([N, 3, H, W]). The AdaIN
    /// step in between (cheap, element-wise) runs per item with its own regions, style mixture, α and statistics;
    /// style images shared by several items (the same <see cref="PlanarImage"/> and mask) are encoded once per batch.
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
        if (items.FirstOrDefault(i => !float.IsFinite(i.Alpha) || i.Alpha is < 0 or > 1) is { } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(items), bad.Alpha, "Alpha must be between 0 (content) and 1 (full style).");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Decoder.eval();
        var x = items.Count == 1 ? items[0].Content.ToTensor(Device) : cat([.. items.Select(i => i.Content.ToTensor(Device))], 0);
        var features = Encode(x);
        var styles = new Dictionary<(PlanarImage Image, PlanarImage? Mask), StyleStatistics>();
        var blended = new List<Tensor>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var own = items.Count == 1 ? features : features[i..(i + 1)];
            if (item.Statistics is { IsRecording: false } frozen)
            {
                // One point per region, at the tap's channel count.
                frozen.CheckFits(Enumerable.Range(0, item.Regions.Count).Select(r => (r, own.shape[1])), nameof(items));
            }

            var transferred = TransferFeatures(own, PrepareRegions(item.Regions, width, height, styles), item.Statistics);
            blended.Add(item.Alpha == 1f ? transferred : own.Plus(transferred.sub(own).Times(item.Alpha)));
        }

        var output = Decode(blended.Count == 1 ? blended[0] : cat(blended, 0), height, width);
        return [.. Enumerable.Range(0, items.Count).Select(i => output[i].ToPlanarImage())];
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
            var features = Encode(image.ToTensor(Device));
            for (var r = 0; r < regions.Count; r++)
            {
                var mask = RegionTensors.Mask(regions[r], image.Width, image.Height, Device);
                var (mean, std) = AdaIn.Statistics(features, mask);
                statistics.Record(r, mean, std);
                if (Transform == FeatureTransform.Wct)
                {
                    statistics.RecordMatrix(r, Wct.Power(Wct.Statistics(features, mask).Covariance, -0.5));
                }
            }

            return statistics.Freeze();
        }
        catch
        {
            statistics.Dispose();
            throw;
        }
    }

    public IEnumerable<SafeTensor> Export() => ModuleWeights.Export(Decoder);

    public void Dispose()
    {
        Onnx?.Dispose();
        Decoder.Dispose();
        if (_ownsEncoder)
        {
            Encoder.Dispose();
        }
    }

    /// <summary>Encoder features at the tap, [N, C, ⌈H/s⌉, ⌈W/s⌉].</summary>
    internal Tensor Encode(Tensor image) => Onnx is { } onnx ? onnx.Encode(image) : Encoder.Extract(image, [Tap])[Tap];

    /// <summary>Decodes features and crops to the image size.</summary>
    internal Tensor Decode(Tensor features, long height, long width) =>
        (Onnx is { } onnx ? onnx.Decode(features) : Decoder.forward(features))[.., .., ..(int)height, ..(int)width];

    /// <summary>
    /// AdaIN of the content features towards each region's style mixture: t_r = Σ_k w_k AdaIN(f; μ_r, σ_r → μ_k, σ_k)
    /// with μ_r, σ_r the content statistics under the region's mask (or frozen ones, point r), then
    /// t = Σ_r share_r · t_r + (1 − coverage) · f.
    /// </summary>
    internal Tensor TransferFeatures(Tensor features, IReadOnlyList<PreparedRegion> regions, NormStatistics? statistics)
    {
        using var scope = NewDisposeScope();
        if (regions.Count == 1 && regions[0].Mask is null)
        {
            return Transfer(features, regions[0], 0, statistics, null, Transform).MoveToOuterDisposeScope();
        }

        var (shares, coverage) = RegionTensors.Shares([.. regions.Select(r => r.Mask)], features.shape[2], features.shape[3], features.device);
        var result = features.mul(coverage.neg().Plus(1f));
        for (var r = 0; r < regions.Count; r++)
        {
            result = result.Plus(Transfer(features, regions[r], r, statistics, regions[r].Mask, Transform).mul(shares[r]));
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Style statistics of each choice (encoded once) and masks resized to the feature map.</summary>
    internal IReadOnlyList<PreparedRegion> PrepareRegions(
        IReadOnlyList<FeedForwardRegion> regions, int width, int height, Dictionary<(PlanarImage Image, PlanarImage? Mask), StyleStatistics>? encoded = null)
    {
        if (regions.Count == 0)
        {
            throw new ArgumentException("Give at least one region.", nameof(regions));
        }

        var stride = Encoder.Stride(Tap);
        var (featureHeight, featureWidth) = ((height + stride - 1) / stride, (width + stride - 1) / stride);
        var prepared = new List<PreparedRegion>();
        foreach (var region in regions)
        {
            var weights = RegionTensors.Normalised(region.Styles);
            var styles = new List<(StyleStatistics Statistics, float Weight)>();
            for (var k = 0; k < region.Styles.Count; k++)
            {
                var choice = region.Styles[k];
                var image = choice.Image
                    ?? throw new ArgumentException($"Style '{choice.Name}': an AdaIN model needs a style image, not a trained style index.");
                if (encoded is null || !encoded.TryGetValue((image, choice.ImageMask), out var statistics))
                {
                    var styleFeatures = Encode(image.ToTensor(Device));
                    var styleMask = choice.ImageMask is null ? null : RegionTensors.Mask(new FeedForwardRegion(choice.ImageMask, []), image.Width, image.Height, Device);
                    var (mean, std) = AdaIn.Statistics(styleFeatures, styleMask);
                    var colouring = Transform == FeatureTransform.Wct ? Wct.Power(Wct.Statistics(styleFeatures, styleMask).Covariance, 0.5) : null;
                    statistics = new StyleStatistics(mean, std, colouring);
                    encoded?.Add((image, choice.ImageMask), statistics);
                }

                styles.Add((statistics, weights[k]));
            }

            var mask = RegionTensors.Mask(region, width, height, Device);
            prepared.Add(new PreparedRegion(mask is null ? null : AdaIn.ResizeMask(mask, featureHeight, featureWidth), styles));
        }

        return prepared;
    }

    private static Tensor Transfer(Tensor features, PreparedRegion region, int index, NormStatistics? statistics, Tensor? mask, FeatureTransform transform)
    {
        var (contentMean, contentStd) = NormStatistics.Resolve(statistics, index, () => AdaIn.Statistics(features, mask));
        Tensor? whitening = null;
        if (transform == FeatureTransform.Wct)
        {
            if (features.shape[0] != 1)
            {
                throw new ArgumentException("WCT transfers one sample at a time.", nameof(features));
            }

            // The whitening needs the content's full covariance: frozen with the statistics, or measured here.
            whitening = statistics is { IsRecording: false } frozen
                ? frozen.Matrix(index)
                : Wct.Power(Wct.Statistics(features, mask).Covariance, -0.5);
            if (statistics is { IsRecording: true } recording)
            {
                recording.RecordMatrix(index, whitening);
            }
        }

        Tensor? sum = null;
        foreach (var (style, weight) in region.Styles)
        {
            var transferred = whitening is null
                ? AdaIn.Apply(features, contentMean, contentStd, style.Mean, style.Std)
                : Wct.Apply(features, contentMean, whitening, style.Mean, style.Colouring!);
            var term = region.Styles.Count == 1 ? transferred : transferred.Times(weight);
            sum = sum is null ? term : sum.Plus(term);
        }

        return sum!;
    }
}

/// <summary>A region as AdaIN needs it: its mask at the feature map's size and its styles' statistics.</summary>
internal sealed record PreparedRegion(Tensor? Mask, IReadOnlyList<(StyleStatistics Statistics, float Weight)> Styles);

/// <summary>A style's feature statistics: per-channel mean and standard deviation, and for WCT its colouring matrix Σ^½.</summary>
internal sealed record StyleStatistics(Tensor Mean, Tensor Std, Tensor? Colouring);
