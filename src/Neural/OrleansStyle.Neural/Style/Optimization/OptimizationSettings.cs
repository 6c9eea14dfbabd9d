using OrleansStyle.Neural.Style.Losses;

namespace OrleansStyle.Neural.Style.Optimization;

public enum OptimizerKind
{
    Lbfgs,
    Adam,
}

public enum InitKind
{
    /// <summary>Start from the content photo.</summary>
    Content,

    /// <summary>Start from uniform noise (seeded).</summary>
    Noise,

    /// <summary>Start from the content recoloured to the style's colour mean and covariance.</summary>
    ColorMatchedContent,
}

/// <summary>Global colour control (Gatys et al. 2017, section 5).</summary>
public enum ColorMode
{
    /// <summary>Colours follow the style.</summary>
    Style,

    /// <summary>Stylise luminance only: the optimisation sees grey images; the content's chroma is put back.</summary>
    LuminanceOnly,

    /// <summary>Recolour each style image to the content's colour statistics before transfer.</summary>
    MatchContentColors,

    /// <summary>Stylise normally, then keep the result's luminance with the content's chroma.</summary>
    PreserveContentColors,
}

/// <summary>How a style image is recoloured to the content's colours (MatchContentColors).</summary>
public enum ColorMatching
{
    /// <summary>An affine map that matches the colour mean and covariance.</summary>
    MeanCovariance,

    /// <summary>Per-channel histogram matching.</summary>
    Histogram,
}

/// <summary>Which colour space separates luminance from chroma for the luminance modes.</summary>
public enum LuminanceSpace
{
    Lab,
    Yiq,
}

/// <summary>Tap sets that bias strokes towards fine, medium or coarse structure.</summary>
public enum StrokeScale
{
    Fine,
    Medium,
    Coarse,
}

/// <summary>
/// Everything that controls one optimisation run. The defaults are the tuned settings documented in
/// docs/gallery; every field can be overridden from the CLI.
/// </summary>
public sealed record OptimizationSettings
{
    /// <summary>Long side of the result in pixels.</summary>
    public int Size { get; init; } = 512;

    /// <summary>Content taps and their weights.</summary>
    public IReadOnlyDictionary<string, float> ContentTaps { get; init; } = new Dictionary<string, float> { ["layer3"] = 1f };

    /// <summary>Style taps and their weights (relative losses, so 1 means the same everywhere).</summary>
    public IReadOnlyDictionary<string, float> StyleTaps { get; init; } = StyleTapPresets.For(StrokeScale.Medium);

    public float ContentWeight { get; init; } = 1f;

    public float StyleWeight { get; init; } = 10f;

    public float TotalVariationWeight { get; init; } = 1f;

    public StyleLossKind Loss { get; init; } = StyleLossKind.Gram;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Lbfgs;

    /// <summary>Iterations at the final resolution (function evaluations for L-BFGS, steps for Adam).</summary>
    public int Iterations { get; init; } = 300;

    /// <summary>Adam's step size in [0, 1] pixel units; L-BFGS uses a unit step.</summary>
    public float LearningRate { get; init; } = 0.02f;

    public InitKind Init { get; init; } = InitKind.ColorMatchedContent;

    public int Seed { get; init; }

    /// <summary>Smallest long side of the coarse-to-fine pyramid; 0 or ≥ Size runs one level.</summary>
    public int PyramidMinSize { get; init; } = 256;

    /// <summary>Iterations at each coarser pyramid level.</summary>
    public int PyramidIterations { get; init; } = 200;

    /// <summary>Style image long side relative to the content's: above 1 enlarges the painting, so strokes get larger; below 1 finer.</summary>
    public float StyleScale { get; init; } = 1f;

    /// <summary>
    /// The style images' long side in pixels, overriding <see cref="StyleScale"/> (0 = relative to the content).
    /// Tiles of one picture use the picture's style size, so every tile is pulled towards the same targets.
    /// </summary>
    public int StyleLongSide { get; init; }

    public ColorMode Color { get; init; } = ColorMode.Style;

    public LuminanceSpace LuminanceSpace { get; init; } = LuminanceSpace.Lab;

    public ColorMatching ColorMatching { get; init; } = ColorMatching.MeanCovariance;

    /// <summary>Returns the problems with these settings, each phrased as how to fix it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Size is < 16 or > 8192)
        {
            problems.Add($"Size {Size} is out of range: use 16–8192 pixels.");
        }

        if (Iterations < 1)
        {
            problems.Add("Iterations must be at least 1.");
        }

        if (PyramidIterations < 0)
        {
            problems.Add("PyramidIterations must be 0 or more.");
        }

        if (StyleLongSide is < 0 or > 16_384)
        {
            problems.Add($"StyleLongSide {StyleLongSide} is out of range: use 0 (relative to the content) or up to 16384 pixels.");
        }

        if (StyleScale is <= 0.05f or > 8f)
        {
            problems.Add($"StyleScale {StyleScale} is out of range: use a factor between 0.05 and 8.");
        }

        if (LearningRate <= 0)
        {
            problems.Add("LearningRate must be positive.");
        }

        if (StyleTaps.Count == 0 && ContentTaps.Count == 0)
        {
            problems.Add("Give at least one style or content tap.");
        }

        if (StyleTaps.Values.Concat(ContentTaps.Values).Any(w => w < 0 || !float.IsFinite(w)))
        {
            problems.Add("Tap weights must be finite and non-negative.");
        }

        return problems;
    }
}

public static class StyleTapPresets
{
    /// <summary>
    /// Fine strokes come from early, small-receptive-field taps; coarse structure from deep ones. The stem
    /// carries most of the palette in ResNet-18, hence its weight in the tuned presets (docs/gallery).
    /// </summary>
    public static IReadOnlyDictionary<string, float> For(StrokeScale scale) => scale switch
    {
        StrokeScale.Fine => new Dictionary<string, float> { ["stem"] = 15f, ["layer1.0.conv1"] = 1f, ["layer1"] = 1f },
        StrokeScale.Medium => new Dictionary<string, float> { ["stem"] = 15f, ["layer1"] = 1f, ["layer2"] = 1f, ["layer3"] = 1f },
        _ => new Dictionary<string, float> { ["layer2"] = 1f, ["layer3"] = 1f, ["layer4"] = 1f },
    };

    /// <summary>The fine and coarse taps together, for mixed-scale transfer (each painting gets one set).</summary>
    public static IReadOnlyDictionary<string, float> MixedScale() =>
        For(StrokeScale.Fine).Concat(For(StrokeScale.Coarse)).ToDictionary(kv => kv.Key, kv => kv.Value);
}
