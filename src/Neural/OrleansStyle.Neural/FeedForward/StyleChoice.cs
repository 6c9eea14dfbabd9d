using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// One style of a mixture, with its weight: a trained style of a single- or multi-style model by index, or a
/// style image for an AdaIN model (optionally with a mask on the painting: only its white part is measured).
/// </summary>
public sealed record StyleChoice
{
    public int? Index { get; init; }

    public PlanarImage? Image { get; init; }

    public PlanarImage? ImageMask { get; init; }

    public float Weight { get; init; } = 1f;

    public string Name { get; init; } = "style";

    public static StyleChoice Trained(int index, float weight = 1f) => new() { Index = index, Weight = weight, Name = $"#{index}" };

    public static StyleChoice FromImage(PlanarImage image, float weight = 1f, PlanarImage? mask = null, string name = "style") =>
        new() { Image = image, Weight = weight, ImageMask = mask, Name = name };
}

/// <summary>
/// A soft region of the content (mask in [0, 1] at the content's aspect ratio, null = everywhere) and the styles
/// it mixes. Where masks overlap they share the pixel; where no mask reaches, the content is left unstylised.
/// </summary>
public sealed record FeedForwardRegion(PlanarImage? Mask, IReadOnlyList<StyleChoice> Styles)
{
    public static FeedForwardRegion Everywhere(params StyleChoice[] styles) => new(null, styles);
}

/// <summary>
/// One feed-forward stylisation: the content, its regions, AdaIN's content/style trade-off α and the colour
/// controls of Gatys et al. 2017 (see <see cref="FeedForwardStylizer"/> for what each does per family).
/// </summary>
public sealed record FeedForwardRequest(PlanarImage Content, IReadOnlyList<FeedForwardRegion> Regions)
{
    /// <summary>AdaIN only: 1 = full style, 0 = the decoder's reconstruction of the content.</summary>
    public float Alpha { get; init; } = 1f;

    /// <summary>Long side of the result; 0 keeps the content's size.</summary>
    public int Size { get; init; }

    /// <summary>AdaIN only: long side style images are resized to; 0 = the result's long side.</summary>
    public int StyleSize { get; init; }

    public ColorMode Color { get; init; } = ColorMode.Style;

    public LuminanceSpace LuminanceSpace { get; init; } = LuminanceSpace.Lab;

    public ColorMatching ColorMatching { get; init; } = ColorMatching.MeanCovariance;

    /// <summary>
    /// AdaIN with <see cref="ColorMode.Style"/>: give the result its styles' colour mean and covariance
    /// (<see cref="StyleColors"/>); false keeps the decoder's own colours.
    /// </summary>
    public bool MatchStyleColors { get; init; } = true;

    /// <summary>
    /// When set, normalisation statistics come from this image (e.g. a thumbnail of the whole picture) instead of
    /// the content: the frozen-statistics mode that lets tiles of one picture share its normalisation.
    /// </summary>
    public PlanarImage? StatisticsSource { get; init; }

    /// <summary>
    /// Statistics already captured (<see cref="IStyleModel.CaptureStatistics"/>) and shared by many requests, e.g. a
    /// clip's frames; the caller owns and disposes them. Takes precedence over <see cref="StatisticsSource"/>.
    /// </summary>
    public NormStatistics? Statistics { get; init; }

    /// <summary>
    /// Strokes this many times larger than the network paints them (<see cref="StrokeScaling"/>): 1 = as trained,
    /// 0 = automatic from the result's size (as on a <see cref="StrokeScaling.ReferenceLongSide"/>-px picture).
    /// AdaIN style images then default to the shrunk picture's long side.
    /// </summary>
    public float StrokeScale { get; init; } = 1f;

    /// <summary>With a stroke scale above 1: share of the photo's fine luminance detail added back (0–1).</summary>
    public float StrokeDetail { get; init; } = StrokeScaling.DefaultDetail;

    /// <summary>A mixture of styles over the whole image.</summary>
    public static FeedForwardRequest Everywhere(PlanarImage content, params StyleChoice[] styles) =>
        new(content, [FeedForwardRegion.Everywhere(styles)]);

    /// <summary>The problems with this request for <paramref name="model"/>, each phrased as how to fix it.</summary>
    public IReadOnlyList<string> Validate(IStyleModel model)
    {
        var problems = new List<string>();
        if (Content.Channels != 3)
        {
            problems.Add($"The content image must be RGB; it has {Content.Channels} channel(s).");
        }

        if (Size is < 0 or > 8192 or (> 0 and < 16))
        {
            problems.Add($"Size {Size} is out of range: use 16–8192 pixels, or 0 to keep the content's size.");
        }

        if (StyleSize is < 0 or > 8192 or (> 0 and < 16))
        {
            problems.Add($"Style size {StyleSize} is out of range: use 16–8192 pixels, or 0 to match the result.");
        }

        if (StrokeScaling.Problem(StrokeScale) is { } strokeProblem)
        {
            problems.Add(strokeProblem);
        }

        if (!float.IsFinite(StrokeDetail) || StrokeDetail is < 0 or > 1)
        {
            problems.Add($"Stroke detail {StrokeDetail} is out of range: use 0 (none of the photo's fine detail) to 1 (all of it).");
        }

        if (!float.IsFinite(Alpha) || Alpha is < 0 or > 1)
        {
            problems.Add($"Alpha {Alpha} is out of range: use 0 (content) to 1 (full style).");
        }
        else if (Alpha != 1f && model.Kind != StyleModelKind.AdaIn)
        {
            problems.Add("Alpha (the content/style trade-off) applies to AdaIN models only; use 1.");
        }

        if (Regions.Count == 0 || Regions.Any(r => r.Styles.Count == 0))
        {
            problems.Add("Every region needs at least one style.");
        }

        if (Regions.Count > 1 && Regions.Any(r => r.Mask is null))
        {
            problems.Add("With several regions every region needs a mask.");
        }

        foreach (var (region, r) in Regions.Select((region, r) => (region, r)))
        {
            if (region.Mask is { Channels: not 1 } mask)
            {
                problems.Add($"Mask {r + 1} must have one channel; it has {mask.Channels}.");
            }

            if (region.Styles.Count > 0 && region.Styles.Sum(s => s.Weight) <= 0)
            {
                problems.Add($"The style weights of region {r + 1} sum to zero: give at least one positive weight.");
            }

            foreach (var style in region.Styles)
            {
                problems.AddRange(ValidateStyle(style, model));
            }
        }

        return problems;
    }

    private static IEnumerable<string> ValidateStyle(StyleChoice style, IStyleModel model)
    {
        if (!float.IsFinite(style.Weight) || style.Weight < 0)
        {
            yield return $"Style '{style.Name}' has weight {style.Weight}: weights must be finite and non-negative.";
        }

        if (model.Kind == StyleModelKind.AdaIn)
        {
            if (style.Image is null)
            {
                yield return $"Style '{style.Name}': an AdaIN model needs a style image, not a trained style index.";
            }
            else if (style.Image.Channels != 3)
            {
                yield return $"Style '{style.Name}' must be RGB; it has {style.Image.Channels} channel(s).";
            }

            if (style.ImageMask is { } mask && style.Image is { } image
                && (mask.Channels != 1 || mask.Width != image.Width || mask.Height != image.Height))
            {
                yield return $"The mask of style '{style.Name}' must be one channel of {image.Width}×{image.Height}.";
            }
        }
        else if (style.Index is not { } index || index < 0 || index >= model.StyleCount)
        {
            yield return model.StyleCount == 1
                ? $"Style '{style.Name}': this single-style model has only style 0 ({model.Info.Styles[0]})."
                : $"Style '{style.Name}': choose a trained style index 0–{model.StyleCount - 1} ({string.Join(", ", model.Info.Styles)}).";
        }
    }
}
