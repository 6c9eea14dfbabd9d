using OrleansStyle.Imaging;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Color;

/// <summary>The images an optimisation actually sees after colour control, and what undoes it afterwards.</summary>
public sealed record PreparedColors(PlanarImage Content, IReadOnlyList<IReadOnlyList<PlanarImage>> Styles, PlanarImage? MatchedContent);

/// <summary>
/// Colour control of Gatys et al. 2017: luminance-only transfer, recolouring the styles to the content's
/// colours, and putting the content's chroma back after the run — globally or per region.
/// </summary>
public static class ColorControl
{
    /// <summary>The colour mode a region gets: the global mode wins unless it is plain Style.</summary>
    public static ColorMode Effective(StyleRequest request, StyleRegion region) =>
        request.Settings.Color != ColorMode.Style ? request.Settings.Color : region.Color;

    public static PreparedColors Prepare(StyleRequest request)
    {
        var settings = request.Settings;
        var globalLuminance = settings.Color == ColorMode.LuminanceOnly;
        var content = globalLuminance ? GreyLuminance(request.Content, settings.LuminanceSpace) : request.Content;
        var contentLuminance = Luminance(request.Content, settings.LuminanceSpace);

        var styles = new List<IReadOnlyList<PlanarImage>>();
        foreach (var region in request.Regions)
        {
            var mode = Effective(request, region);
            styles.Add(region.Styles.Select(source => mode switch
            {
                ColorMode.LuminanceOnly => LuminanceMatchedGrey(source.Image, contentLuminance, region.Mask, settings.LuminanceSpace),
                ColorMode.MatchContentColors => MatchColors(source.Image, request.Content, region.Mask, settings.ColorMatching),
                _ => source.Image,
            }).ToList());
        }

        var matchedContent = settings.Init == InitKind.ColorMatchedContent && !globalLuminance && settings.Color != ColorMode.MatchContentColors
            ? RecolourToStyles(request)
            : null;
        return new PreparedColors(content, styles, matchedContent);
    }

    /// <summary>Restores the content's chroma wherever the colour mode asks for it.</summary>
    public static PlanarImage Finish(PlanarImage result, StyleRequest request, PreparedColors prepared)
    {
        var space = request.Settings.LuminanceSpace;
        PlanarImage? recombined = null;
        var output = result.Clone();
        foreach (var region in request.Regions)
        {
            var mode = Effective(request, region);
            if (mode is not (ColorMode.LuminanceOnly or ColorMode.PreserveContentColors))
            {
                continue;
            }

            recombined ??= CombineLuminanceWithChroma(result, request.Content.Resize(result.Width, result.Height), space);
            if (region.Mask is null)
            {
                return recombined;
            }

            var mask = region.Mask.Resize(result.Width, result.Height).Data;
            for (var c = 0; c < 3; c++)
            {
                var target = output.Plane(c);
                var source = recombined.Plane(c);
                for (var i = 0; i < mask.Length; i++)
                {
                    target[i] += mask[i] * (source[i] - target[i]);
                }
            }
        }

        return output;
    }

    /// <summary>The luminance of <paramref name="luminanceSource"/> with the chroma of <paramref name="chromaSource"/>.</summary>
    public static PlanarImage CombineLuminanceWithChroma(PlanarImage luminanceSource, PlanarImage chromaSource, LuminanceSpace space)
    {
        var (toSpace, fromSpace) = Converters(space);
        var combined = toSpace(chromaSource);
        toSpace(luminanceSource).Plane(0).CopyTo(combined.Plane(0));
        var rgb = fromSpace(combined);
        Clamp(rgb.Data);
        return rgb;
    }

    /// <summary>Luminance as one plane in [0, 1] (Lab L / 100, or YIQ Y).</summary>
    public static PlanarImage Luminance(PlanarImage rgb, LuminanceSpace space)
    {
        var luminance = Converters(space).ToSpace(rgb).ExtractChannel(0);
        if (space == LuminanceSpace.Lab)
        {
            var values = luminance.Data;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] /= 100f;
            }
        }

        return luminance;
    }

    /// <summary>An RGB image as the optimisation sees it (grey luminance when only luminance is stylised), e.g. a video's previous result.</summary>
    internal static PlanarImage AsOptimised(PlanarImage rgb, OptimizationSettings settings) =>
        settings.Color == ColorMode.LuminanceOnly ? GreyLuminance(rgb, settings.LuminanceSpace) : rgb;

    private static PlanarImage GreyLuminance(PlanarImage rgb, LuminanceSpace space) => Grey(Luminance(rgb, space));

    /// <summary>The style's luminance, shifted and scaled to the content's mean and spread (Gatys et al. 2017, eq. 6).</summary>
    private static PlanarImage LuminanceMatchedGrey(PlanarImage style, PlanarImage contentLuminance, PlanarImage? contentMask, LuminanceSpace space)
    {
        var styleLuminance = Luminance(style, space);
        var mask = contentMask?.Resize(contentLuminance.Width, contentLuminance.Height).Data;
        var (contentMean, contentStd) = MeanStd(contentLuminance.Data, mask);
        var (styleMean, styleStd) = MeanStd(styleLuminance.Data, null);
        var values = styleLuminance.Data;
        var gain = contentStd / Math.Max(styleStd, 1e-6);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)Math.Clamp(((values[i] - styleMean) * gain) + contentMean, 0, 1);
        }

        return Grey(styleLuminance);
    }

    private static PlanarImage MatchColors(PlanarImage style, PlanarImage content, PlanarImage? contentMask, ColorMatching method)
    {
        using var scope = NewDisposeScope();
        var styleTensor = style.ToTensor();
        var contentTensor = content.ToTensor();
        var maskTensor = contentMask?.ToTensor();
        var matched = method == ColorMatching.Histogram
            ? ColorTransfer.MatchHistograms(styleTensor, contentTensor, maskTensor)
            : ColorTransfer.MatchMeanCovariance(styleTensor, contentTensor, referenceMask: maskTensor);
        return matched.ToPlanarImage();
    }

    /// <summary>The content recoloured, region by region, to the colours of the region's heaviest style.</summary>
    private static PlanarImage RecolourToStyles(StyleRequest request)
    {
        using var scope = NewDisposeScope();
        var content = request.Content.ToTensor();
        var sum = zeros_like(content);
        var weight = zeros(1, 1, content.shape[2], content.shape[3]);
        foreach (var region in request.Regions)
        {
            var style = region.Styles.MaxBy(s => s.Weight)!.Image.ToTensor();
            var mask = region.Mask?.ToTensor();
            var recoloured = ColorTransfer.MatchMeanCovariance(content, style, sourceMask: mask);
            var regionWeight = mask ?? ones_like(weight);
            sum = sum.Plus(recoloured.mul(regionWeight));
            weight = weight.Plus(regionWeight);
        }

        return sum.div(weight.AtLeast(1e-6f)).ToPlanarImage();
    }

    private static PlanarImage Grey(PlanarImage luminance)
    {
        var grey = new PlanarImage(luminance.Width, luminance.Height, 3);
        for (var c = 0; c < 3; c++)
        {
            luminance.Data.CopyTo(grey.Plane(c));
        }

        return grey;
    }

    private static (double Mean, double Std) MeanStd(float[] values, float[]? weights)
    {
        double total = 0, sum = 0, sumSquares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var w = weights?[i] ?? 1f;
            total += w;
            sum += w * values[i];
            sumSquares += w * values[i] * values[i];
        }

        var mean = sum / Math.Max(total, 1e-9);
        return (mean, Math.Sqrt(Math.Max((sumSquares / Math.Max(total, 1e-9)) - (mean * mean), 0)));
    }

    private static void Clamp(float[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Math.Clamp(values[i], 0f, 1f);
        }
    }

    private static (Func<PlanarImage, PlanarImage> ToSpace, Func<PlanarImage, PlanarImage> FromSpace) Converters(LuminanceSpace space) =>
        space == LuminanceSpace.Lab
            ? (ColorSpaces.RgbToLab, ColorSpaces.LabToRgb)
            : (ColorSpaces.RgbToYiq, ColorSpaces.YiqToRgb);
}
