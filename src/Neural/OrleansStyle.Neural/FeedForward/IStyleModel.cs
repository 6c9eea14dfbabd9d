using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// A trained feed-forward styliser: one network pass per image. Implementations: <see cref="TransformerStyleModel"/>
/// (single and multi) and <see cref="AdaInStyleModel"/>. Load one with <see cref="StyleModelFile.Load(string, Features.FeatureNetwork?, Device?)"/>;
/// <see cref="FeedForwardStylizer"/> adds resizing and colour control on top.
/// </summary>
public interface IStyleModel : IDisposable
{
    StyleModelInfo Info { get; }

    StyleModelKind Kind => Info.Kind;

    /// <summary>Trained styles (choose them by index); 0 for AdaIN, which takes style images.</summary>
    int StyleCount { get; }

    Device Device { get; }

    /// <summary>
    /// Stylises <paramref name="content"/> as given (no resizing, no colour control). Region masks must have the
    /// content's size. <paramref name="statistics"/>: frozen normalisation statistics from
    /// <see cref="CaptureStatistics"/>, or null to normalise with the content's own.
    /// </summary>
    PlanarImage Stylise(PlanarImage content, IReadOnlyList<FeedForwardRegion> regions, float alpha = 1f, NormStatistics? statistics = null);

    /// <summary>
    /// Stylises several contents of one size in one batched pass, e.g. tiles of different jobs on one device; the
    /// items may differ in regions, weights, α and statistics. Result i equals <see cref="Stylise"/> of item i up to
    /// float rounding. Contents of different sizes are an <see cref="ArgumentException"/>; an empty batch gives none.
    /// (This default runs the items one by one; both model families override it with a batched pass.)
    /// </summary>
    IReadOnlyList<PlanarImage> StyliseBatch(IReadOnlyList<StyleBatchItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count > 0)
        {
            StyleBatchItem.CommonSize(items, nameof(items));
        }

        return [.. items.Select(i => Stylise(i.Content, i.Regions, i.Alpha, i.Statistics))];
    }

    /// <summary>Runs <paramref name="image"/> (e.g. a thumbnail of the whole picture; masks at its size) and keeps its normalisation statistics.</summary>
    NormStatistics CaptureStatistics(PlanarImage image, IReadOnlyList<FeedForwardRegion> regions);

    /// <summary>The trained tensors as they are written to the model file.</summary>
    IEnumerable<SafeTensor> Export();
}

public static class StyleModelExtensions
{
    /// <summary>A mixture of styles over the whole image, e.g. <c>model.Stylise(photo, StyleChoice.Trained(0))</c>.</summary>
    public static PlanarImage Stylise(this IStyleModel model, PlanarImage content, params StyleChoice[] styles) =>
        model.Stylise(content, [FeedForwardRegion.Everywhere(styles)]);

    /// <summary>Writes the model as F32 safetensors with its <see cref="StyleModelInfo"/> as metadata.</summary>
    public static void Save(this IStyleModel model, string path) =>
        SafeTensors.Write(path, model.Export(), model.Info.ToMetadata());
}

/// <summary>Region masks and mixture weights as tensors, shared by both model families.</summary>
internal static class RegionTensors
{
    /// <summary>[1, 1, H, W] masks (null: everywhere), checked against the content size.</summary>
    public static Tensor? Mask(FeedForwardRegion region, int width, int height, Device device)
    {
        if (region.Mask is not { } mask)
        {
            return null;
        }

        if (mask.Width != width || mask.Height != height || mask.Channels != 1)
        {
            throw new ArgumentException(
                $"A region mask is {mask.Width}×{mask.Height}×{mask.Channels} but the image is {width}×{height}: masks must be one channel of the image's size.");
        }

        return tensor(mask.Data, [1, 1, height, width], device: device);
    }

    /// <summary>
    /// The region's weights normalised to sum to 1, summed in double precision: float weights near float.MaxValue
    /// overflow a float sum to ∞ and would all become 0, while equal weights must mean the same at any scale.
    /// </summary>
    public static float[] Normalised(IReadOnlyList<StyleChoice> styles)
    {
        var total = styles.Sum(s => (double)s.Weight);
        if (!(total > 0) || styles.Any(s => !float.IsFinite(s.Weight) || s.Weight < 0))
        {
            throw new ArgumentException("Style weights must be finite, non-negative and not all zero.");
        }

        return [.. styles.Select(s => (float)(s.Weight / total))];
    }

    /// <summary>
    /// Per-region blend weights [1, 1, H, W] (masks divided by their sum where they overlap) and the coverage
    /// min(Σ masks, 1): the share of each pixel that is stylised at all.
    /// </summary>
    public static (List<Tensor> Shares, Tensor Coverage) Shares(IReadOnlyList<Tensor?> masks, long height, long width, Device device)
    {
        var filled = masks.Select(m => m ?? ones(1, 1, height, width, device: device)).ToList();
        var sum = filled.Aggregate((a, b) => a.Plus(b));
        var divisor = sum.AtLeast(1f);
        return ([.. filled.Select(m => m.div(divisor))], sum.AtMost(1f));
    }
}
