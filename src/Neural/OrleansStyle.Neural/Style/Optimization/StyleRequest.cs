using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.Style.Optimization;

/// <summary>
/// One style image of a region, with its blend weight, an optional mask on the style image (guided
/// statistics: only the masked part of the painting is used) and an optional subset of the style taps
/// (Gatys' mixed-scale mode: fine taps from one painting, coarse ones from another).
/// </summary>
public sealed record StyleSource(PlanarImage Image, float Weight = 1f, PlanarImage? Mask = null, IReadOnlyCollection<string>? Taps = null)
{
    public string Name { get; init; } = "style";
}

/// <summary>A soft region of the content (mask in [0, 1], null = the whole image) and the styles it receives.</summary>
public sealed record StyleRegion(PlanarImage? Mask, IReadOnlyList<StyleSource> Styles)
{
    /// <summary>Per-region colour handling applied after the run (Style keeps the stylised colours).</summary>
    public ColorMode Color { get; init; } = ColorMode.Style;
}

public sealed record StyleRequest(PlanarImage Content, IReadOnlyList<StyleRegion> Regions, OptimizationSettings Settings)
{
    /// <summary>
    /// Where the optimisation starts instead of <see cref="OptimizationSettings.Init"/> (resized to the first level),
    /// e.g. the upsampled coarse result of the whole picture when a farm refines it tile by tile.
    /// </summary>
    public PlanarImage? InitImage { get; init; }

    /// <summary>A video frame's link to the previous frame's result: warm start and temporal loss (Ruder et al. 2016).</summary>
    public TemporalPrior? Temporal { get; init; }

    /// <summary>A single style over the whole image.</summary>
    public static StyleRequest Single(PlanarImage content, PlanarImage style, OptimizationSettings settings) =>
        new(content, [new StyleRegion(null, [new StyleSource(style)])], settings);

    /// <summary>
    /// Resizes a mask drawn at another resolution of the same picture (aspect ratios within 1 %); a mask of
    /// another shape is almost certainly for another image, so that is an error unless <paramref name="stretch"/>.
    /// </summary>
    public static PlanarImage FitMask(PlanarImage mask, int width, int height, bool stretch = false)
    {
        if (mask.Width == width && mask.Height == height)
        {
            return mask;
        }

        var maskAspect = (double)mask.Width / mask.Height;
        var imageAspect = (double)width / height;
        if (!stretch && Math.Abs((maskAspect / imageAspect) - 1) > 0.01)
        {
            throw new ArgumentException(
                $"The mask is {mask.Width}×{mask.Height} but the image is {width}×{height}: a mask must have the image's aspect ratio (or pass --stretch-masks).");
        }

        return mask.Resize(width, height);
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Settings.Validate());
        if (Content.Channels != 3)
        {
            problems.Add($"The content image must be RGB; it has {Content.Channels} channel(s).");
        }

        if (Regions.Count == 0 || Regions.Any(r => r.Styles.Count == 0))
        {
            problems.Add("Every region needs at least one style image.");
        }

        foreach (var (region, index) in Regions.Select((r, i) => (r, i)))
        {
            if (region.Mask is { } mask && (mask.Width != Content.Width || mask.Height != Content.Height))
            {
                problems.Add($"Mask {index + 1} is {mask.Width}×{mask.Height} but the content is {Content.Width}×{Content.Height}: masks must match the content image.");
            }

            foreach (var style in region.Styles)
            {
                if (style.Mask is { } styleMask && (styleMask.Width != style.Image.Width || styleMask.Height != style.Image.Height))
                {
                    problems.Add($"The mask of style '{style.Name}' is {styleMask.Width}×{styleMask.Height} but the style image is {style.Image.Width}×{style.Image.Height}.");
                }

                if (style.Weight < 0 || !float.IsFinite(style.Weight))
                {
                    problems.Add($"Style '{style.Name}' has weight {style.Weight}: weights must be finite and non-negative.");
                }
            }
        }

        if (Temporal is { } temporal)
        {
            problems.AddRange(temporal.Validate(Content));
            if (Settings.Color is ColorMode.PreserveContentColors or ColorMode.MatchContentColors || Regions.Any(r => r.Color != ColorMode.Style))
            {
                // The previous result has the content's chroma put back, which the optimised image never has.
                problems.Add($"A temporal prior needs colour mode Style or LuminanceOnly, not {Settings.Color}: the previous result's colours must be what the optimisation produces.");
            }
        }

        if (Regions.Count > 1 && Regions.Any(r => r.Mask is null))
        {
            problems.Add("With several regions every region needs a mask.");
        }

        return problems;
    }
}

/// <summary>Reported after every iteration.</summary>
public sealed record OptimizationProgress(int Level, int Levels, int Width, int Height, int Iteration, int Iterations, float Loss, float ContentLoss, float StyleLoss);
