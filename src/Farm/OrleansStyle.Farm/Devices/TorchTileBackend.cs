using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Style.Color;
using OrleansStyle.Neural.Style.Optimization;
using static TorchSharp.torch;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// Runs feed-forward models on a Torch device. Colour control is per pixel so it is the same for a tile as for
/// the whole picture: luminance-only feeds the network grey luminance and puts the tile's chroma back;
/// preserve-colours swaps the chroma back after. Frozen statistics make every tile normalise like the picture.
/// </summary>
public sealed class TorchTileBackend(ModelCache models, Device device) : ITileBackend
{
    private const int DefaultStyleSize = 512;
    private const int MaxPreparedStyles = 16;

    private readonly Dictionary<(ulong Hash, int Width, int Height, int LongSide, ColorControlMode Color), PlanarImage> _styles = [];

    public long ModelBytes => models.Bytes;

    public string BatchKey(TileWork work) => work.Options.Method == RenderMethod.Optimize
        ? $"optimize|{work.JobId}|{work.TileIndex}" // each optimisation is its own run
        : $"{work.Model}|{work.Content.Width}x{work.Content.Height}|{work.Options.Color}|{work.StrokeScale}";

    public IReadOnlyList<PixelBuffer> Render(IReadOnlyList<TileWork> batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (batch[0].Options.Method == RenderMethod.Optimize)
        {
            return [.. batch.Select(work => Optimize(work, cancellationToken).ToPixelBuffer())];
        }

        var model = models.Get(batch[0].Model);
        var statistics = new List<NormStatistics>();
        try
        {
            var items = new List<StyleBatchItem>(batch.Count);
            var contents = new List<PlanarImage>(batch.Count);
            foreach (var work in batch)
            {
                var content = work.Content.ToPlanar();
                contents.Add(content);

                // The network paints the window shrunk by the stroke scale (the window's origin is on the scale's grid).
                var shrunk = StrokeScaling.Shrink(content, work.StrokeScale);
                NormStatistics? frozen = null;
                if (work.Statistics is { Points.Length: > 0 } snapshot)
                {
                    frozen = NormStatistics.FromSnapshot(ToSnapshot(snapshot), device);
                    statistics.Add(frozen);
                }

                items.Add(new StyleBatchItem(
                    Input(shrunk, work.Options.Color), Regions(model, work.Regions, shrunk.Width, shrunk.Height, work.StyleSize, work.Options.Color), work.Options.Alpha, frozen));
            }

            var rendered = model.StyliseBatch(items);
            return [.. rendered.Select((image, i) => Finish(
                StrokeScaling.Enlarge(StyleColored(model, image, items[i].Regions, batch[i]), contents[i], batch[i].StrokeScale),
                contents[i], batch[i].Options.Color).ToPixelBuffer())];
        }
        finally
        {
            foreach (var frozen in statistics)
            {
                frozen.Dispose();
            }
        }
    }

    public FrozenStatistics CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var model = models.Get(work.Model);
        var thumbnail = work.Thumbnail.ToPlanar();
        var input = Input(thumbnail, work.Options.Color);
        var regions = Regions(model, work.Regions, thumbnail.Width, thumbnail.Height, work.Options.StyleSize, work.Options.Color);
        using var statistics = model.CaptureStatistics(input, regions);
        var snapshot = statistics.ToSnapshot();
        var frozen = new FrozenStatistics([.. snapshot.Points.Select(p => new FrozenStatisticsPoint(p.Index, p.Mean, p.Std))]);
        if (UsesStyleColors(model, work.Options.Color, work.Options.KeepDecoderColors))
        {
            // The thumbnail's render decides the colours of every tile.
            var render = model.Stylise(input, regions, work.Options.Alpha, statistics);
            frozen = frozen with { ColorMaps = [.. StyleColors.Measure(render, regions).Select(m => (float[])[.. m.Matrix, .. m.Offset])] };
        }

        return frozen;
    }

    public void Dispose() => models.Dispose();

    /// <summary>
    /// Gatys optimisation of one tile (or of the whole thumbnail in the coarse pass), with the job's fixed style size so
    /// every tile is pulled towards the same style statistics, started from the upsampled coarse result.
    /// </summary>
    private PlanarImage Optimize(TileWork work, CancellationToken cancellationToken)
    {
        var content = work.Content.ToPlanar();
        var regions = work.Regions.Select(region => new StyleRegion(
            region.Mask is { } mask ? StyleRequest.FitMask(mask.ToPlanar(), content.Width, content.Height, stretch: true) : null,
            [.. region.Styles.Select(style => new StyleSource(
                style.Image?.ToPlanar() ?? throw new InvalidJobException($"Style '{style.Name}': optimisation needs the style image."),
                style.Weight) { Name = style.Name })])).ToList();
        var settings = new OptimizationSettings
        {
            Size = Math.Max(content.Width, content.Height),
            Iterations = Math.Max(1, work.Iterations),
            PyramidMinSize = work.Pyramid ? new OptimizationSettings().PyramidMinSize : 0,
            StyleLongSide = work.StyleSize,
            Seed = work.Options.Seed,
            Color = work.Options.Color switch
            {
                ColorControlMode.LuminanceOnly => ColorMode.LuminanceOnly,
                ColorControlMode.PreserveContentColors => ColorMode.PreserveContentColors,
                _ => ColorMode.Style,
            },
        };
        var request = new StyleRequest(content, regions, settings)
        {
            InitImage = work.Init?.ToPlanar(),
            Temporal = work.Previous is { } previous ? new TemporalPrior(previous.Warped.ToPlanar(), previous.Trust.ToPlanar(), TemporalWeight(work.Options)) : null,
        };
        return new GatysStylizer(models.LossNetwork, device).Run(request, cancellationToken: cancellationToken);
    }

    /// <summary>A video frame's w_t: 0 keeps only the warm start.</summary>
    private static float TemporalWeight(RenderOptions options) => options.Temporal != VideoTemporalMode.WarmStartAndLoss ? 0
        : options.TemporalWeight > 0 ? options.TemporalWeight
        : TemporalPrior.DefaultWeight;

    private static bool UsesStyleColors(IStyleModel model, ColorControlMode color, bool keepDecoderColors) =>
        model.Kind == StyleModelKind.AdaIn && color == ColorControlMode.Style && !keepDecoderColors;

    /// <summary>AdaIN: the styles' palette, from the picture's maps (or the tile's own when it is the whole picture).</summary>
    private static PlanarImage StyleColored(IStyleModel model, PlanarImage rendered, IReadOnlyList<FeedForwardRegion> regions, TileWork work)
    {
        if (!UsesStyleColors(model, work.Options.Color, work.Options.KeepDecoderColors))
        {
            return rendered;
        }

        IReadOnlyList<ColorAffine> maps = work.Statistics is { ColorMaps: { IsDefaultOrEmpty: false } frozen }
            ? [.. frozen.Select(m => new ColorAffine(m[..9], m[9..]))]
            : StyleColors.Measure(rendered, regions);
        return StyleColors.Apply(rendered, maps, [.. regions.Select(r => r.Mask)]);
    }

    internal static NormStatisticsSnapshot ToSnapshot(FrozenStatistics statistics) =>
        new([.. statistics.Points.Select(p => new NormStatisticsPoint(p.Index, p.Mean, p.Std))]);

    private static PlanarImage Input(PlanarImage content, ColorControlMode color) =>
        color == ColorControlMode.LuminanceOnly ? GreyLuminance(content) : content;

    private static PlanarImage Finish(PlanarImage result, PlanarImage content, ColorControlMode color) =>
        color is ColorControlMode.LuminanceOnly or ColorControlMode.PreserveContentColors
            ? ColorControl.CombineLuminanceWithChroma(result, content, LuminanceSpace.Lab)
            : result;

    private List<FeedForwardRegion> Regions(
        IStyleModel model, ImmutableArray<RegionSpec> regions, int width, int height, int styleSize, ColorControlMode color) =>
        [.. regions.Select(region => new FeedForwardRegion(
            region.Mask is { } mask ? StyleRequest.FitMask(mask.ToPlanar(), width, height, stretch: true) : null,
            [.. region.Styles.Select(style => Choice(model, style, styleSize, color))]))];

    private StyleChoice Choice(IStyleModel model, StyleWeight style, int styleSize, ColorControlMode color)
    {
        if (model.Kind != StyleModelKind.AdaIn)
        {
            var index = model.Info.Styles.ToList().IndexOf(style.Name);
            return index >= 0
                ? StyleChoice.Trained(index, style.Weight) with { Name = style.Name }
                : throw new InvalidJobException(
                    $"Model {model.Info.Architecture} has no style '{style.Name}': choose one of {string.Join(", ", model.Info.Styles)}.");
        }

        if (style.Image is not { } pixels)
        {
            throw new InvalidJobException($"Style '{style.Name}': an AdaIN model needs the style image.");
        }

        return StyleChoice.FromImage(PreparedStyle(pixels, styleSize > 0 ? styleSize : DefaultStyleSize, color), style.Weight, name: style.Name);
    }

    /// <summary>
    /// Every tile of a job carries the same style images; preparing each once and passing the same instance lets
    /// a batch encode it once (AdaIN encodes a style image per distinct instance).
    /// </summary>
    private PlanarImage PreparedStyle(PixelBuffer pixels, int longSide, ColorControlMode color)
    {
        var key = (System.IO.Hashing.XxHash64.HashToUInt64(pixels.Data), pixels.Width, pixels.Height, longSide, color);
        if (!_styles.TryGetValue(key, out var image))
        {
            if (_styles.Count >= MaxPreparedStyles)
            {
                _styles.Clear();
            }

            _styles[key] = image = Input(Fit(pixels.ToPlanar(), longSide), color);
        }

        return image;
    }

    private static PlanarImage Fit(PlanarImage image, int longSide)
    {
        var scale = (double)longSide / Math.Max(image.Width, image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        return width == image.Width && height == image.Height ? image : image.Resize(width, height);
    }

    private static PlanarImage GreyLuminance(PlanarImage rgb)
    {
        var luminance = ColorControl.Luminance(rgb, LuminanceSpace.Lab);
        var grey = new PlanarImage(rgb.Width, rgb.Height, 3);
        for (var c = 0; c < 3; c++)
        {
            luminance.Data.CopyTo(grey.Plane(c));
        }

        return grey;
    }
}
