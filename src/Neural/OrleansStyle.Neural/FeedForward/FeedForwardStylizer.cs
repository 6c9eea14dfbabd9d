using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Style.Color;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// The inference entry point for the CLI and the farm: resizes, applies colour control and runs a
/// <see cref="IStyleModel"/>. Colour modes per family:
/// <list type="bullet">
/// <item><b>LuminanceOnly</b>: the network sees the content's luminance as a grey image (AdaIN: and each style's
/// luminance matched to the content's, Gatys et al. 2017 eq. 6); the result's luminance gets the content's chroma.</item>
/// <item><b>MatchContentColors</b>: AdaIN recolours each style image to the content's colours (under the region's
/// mask) before encoding; a trained style cannot be recoloured, so its result is recoloured to the content's
/// colour statistics instead.</item>
/// <item><b>PreserveContentColors</b>: the result's luminance with the content's chroma.</item>
/// <item><b>Style</b>: AdaIN results get their styles' colour mean and covariance (<see cref="StyleColors"/>) unless
/// <see cref="FeedForwardRequest.MatchStyleColors"/> is off.</item>
/// </list>
/// </summary>
public sealed class FeedForwardStylizer(IStyleModel model)
{
    public IStyleModel Model { get; } = model;

    public PlanarImage Stylise(FeedForwardRequest request)
    {
        var problems = request.Validate(Model);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(request));
        }

        var content = request.Size > 0 ? Fit(request.Content, request.Size) : request.Content;

        // The network runs on the picture shrunk by the stroke scale (the picture itself at scale 1).
        var scale = StrokeScaling.Resolve(request.StrokeScale, Math.Max(content.Width, content.Height), Math.Min(content.Width, content.Height));
        var shrunk = StrokeScaling.Shrink(content, scale);
        var regions = request.Regions
            .Select(r => r with { Mask = r.Mask is null ? null : StyleRequest.FitMask(r.Mask, shrunk.Width, shrunk.Height) })
            .ToList();

        PlanarImage input;
        if (Model.Kind == StyleModelKind.AdaIn)
        {
            (input, regions) = PrepareAdaIn(request, shrunk, regions);
        }
        else
        {
            input = request.Color == ColorMode.LuminanceOnly ? GreyLuminance(shrunk, request.LuminanceSpace) : shrunk;
        }

        using var captured = request.Statistics is null ? Capture(request, regions, shrunk) : null;
        var result = Model.Stylise(input, regions, request.Alpha, request.Statistics ?? captured);
        if (Model.Kind == StyleModelKind.AdaIn && request.Color == ColorMode.Style && request.MatchStyleColors)
        {
            result = StyleColors.Apply(result, StyleColors.Measure(result, regions), [.. regions.Select(r => r.Mask)]);
        }

        return Finish(StrokeScaling.Enlarge(result, content, scale, request.StrokeDetail), content, request);
    }

    /// <summary>
    /// Captures the statistics <paramref name="request"/>'s <see cref="FeedForwardRequest.StatisticsSource"/> gives,
    /// prepared as <see cref="Stylise"/> prepares them (colour mode, regions), to be shared by many requests through
    /// <see cref="FeedForwardRequest.Statistics"/>; null without a source.
    /// </summary>
    public NormStatistics? CaptureStatistics(FeedForwardRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fitted = request.Size > 0 ? Fit(request.Content, request.Size) : request.Content;
        var content = StrokeScaling.Shrink(
            fitted, StrokeScaling.Resolve(request.StrokeScale, Math.Max(fitted.Width, fitted.Height), Math.Min(fitted.Width, fitted.Height)));
        var regions = request.Regions
            .Select(r => r with { Mask = r.Mask is null ? null : StyleRequest.FitMask(r.Mask, content.Width, content.Height) })
            .ToList();
        if (Model.Kind == StyleModelKind.AdaIn)
        {
            (_, regions) = PrepareAdaIn(request, content, regions);
        }

        return Capture(request, regions, content);
    }

    private NormStatistics? Capture(FeedForwardRequest request, IReadOnlyList<FeedForwardRegion> regions, PlanarImage content)
    {
        if (request.StatisticsSource is not { } source)
        {
            return null;
        }

        if (request.Color == ColorMode.LuminanceOnly)
        {
            source = GreyLuminance(source, request.LuminanceSpace);
        }

        var sourceRegions = regions
            .Select(r => r with { Mask = r.Mask is null ? null : StyleRequest.FitMask(r.Mask, source.Width, source.Height) })
            .ToList();
        return Model.CaptureStatistics(source, sourceRegions);
    }

    /// <summary>Style images at the style size, recoloured as the colour mode asks (via <see cref="ColorControl.Prepare"/>).</summary>
    private static (PlanarImage Input, List<FeedForwardRegion> Regions) PrepareAdaIn(
        FeedForwardRequest request, PlanarImage content, List<FeedForwardRegion> regions)
    {
        var styleSize = request.StyleSize > 0 ? request.StyleSize : Math.Max(content.Width, content.Height);
        var sized = regions.Select(r => r with
        {
            Styles = [.. r.Styles.Select(s => s with
            {
                Image = Fit(s.Image!, styleSize),
                ImageMask = s.ImageMask is null ? null : Fit(s.ImageMask, styleSize),
            })],
        }).ToList();
        if (request.Color is ColorMode.Style or ColorMode.PreserveContentColors)
        {
            return (content, sized);
        }

        var gatys = new StyleRequest(
            content,
            [.. sized.Select(r => new StyleRegion(r.Mask, [.. r.Styles.Select(s => new StyleSource(s.Image!, s.Weight, s.ImageMask) { Name = s.Name })]))],
            new OptimizationSettings
            {
                Color = request.Color,
                LuminanceSpace = request.LuminanceSpace,
                ColorMatching = request.ColorMatching,
                Init = InitKind.Content,
            });
        var prepared = ColorControl.Prepare(gatys);
        var recoloured = sized.Select((r, i) => r with
        {
            Styles = [.. r.Styles.Select((s, k) => s with { Image = prepared.Styles[i][k] })],
        }).ToList();
        return (prepared.Content, recoloured);
    }

    private PlanarImage Finish(PlanarImage result, PlanarImage content, FeedForwardRequest request)
    {
        switch (request.Color)
        {
            case ColorMode.LuminanceOnly or ColorMode.PreserveContentColors:
                return ColorControl.CombineLuminanceWithChroma(result, content, request.LuminanceSpace);
            case ColorMode.MatchContentColors when Model.Kind != StyleModelKind.AdaIn:
                using (NewDisposeScope())
                {
                    var output = result.ToTensor();
                    var reference = content.ToTensor();
                    var matched = request.ColorMatching == ColorMatching.Histogram
                        ? ColorTransfer.MatchHistograms(output, reference)
                        : ColorTransfer.MatchMeanCovariance(output, reference);
                    return matched.ToPlanarImage();
                }

            default:
                return result;
        }
    }

    private static PlanarImage Fit(PlanarImage image, int longSide)
    {
        var scale = (double)longSide / Math.Max(image.Width, image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        return width == image.Width && height == image.Height ? image : image.Resize(width, height);
    }

    private static PlanarImage GreyLuminance(PlanarImage rgb, LuminanceSpace space)
    {
        var luminance = ColorControl.Luminance(rgb, space);
        var grey = new PlanarImage(rgb.Width, rgb.Height, 3);
        for (var c = 0; c < 3; c++)
        {
            luminance.Data.CopyTo(grey.Plane(c));
        }

        return grey;
    }
}
