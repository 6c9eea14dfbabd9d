using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Cli.Rendering;

/// <summary>
/// Renders with a trained model file: a single- or multi-style network whose styles are named in the file
/// (<c>--style starry_night=0.7</c>), or an AdaIN decoder that takes any painting (<c>--style painting.jpg</c>).
/// </summary>
internal sealed class FeedForwardRender(string modelPath)
{
    private readonly StyleModelInfo _info = File.Exists(modelPath)
        ? StyleModelFile.ReadInfo(modelPath)
        : throw new FileNotFoundException($"No such model file: {modelPath}", modelPath);

    public StyleModelInfo Info => _info;

    /// <summary>Stylises <paramref name="content"/> at the size it has (the caller applies --size, as the farm does).</summary>
    public PlanarImage Render(FeedForwardRequestOptions options, PlanarImage content, string[] styles, string[] regions, bool stretchMasks)
    {
        var regionList = new List<FeedForwardRegion>();
        if (styles.Length > 0)
        {
            regionList.Add(FeedForwardRegion.Everywhere([.. styles.Select(Choice)]));
        }

        foreach (var spec in regions)
        {
            var separator = spec.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0 || separator == spec.Length - 1)
            {
                throw new ArgumentException($"--region '{spec}' must look like MASK:STYLE[=W][+STYLE[=W]].");
            }

            var mask = StyleRequest.FitMask(ImageFiles.ReadMask(spec[..separator]), content.Width, content.Height, stretchMasks);
            regionList.Add(new FeedForwardRegion(mask, [.. spec[(separator + 1)..].Split('+', StringSplitOptions.RemoveEmptyEntries).Select(Choice)]));
        }

        if (regionList.Count == 0)
        {
            throw new ArgumentException(_info.Kind == StyleModelKind.AdaIn
                ? "Give a painting: --style PATH (AdaIN takes any style image)."
                : $"Give a style of this model: --style NAME[=W], one of {string.Join(", ", _info.Styles)}.");
        }

        using var encoder = _info.Kind == StyleModelKind.AdaIn ? ResNetOnnxImporter.LoadDefault() : null;
        using var model = StyleModelFile.Load(modelPath, encoder, DeviceChoice.Best());
        if (model is AdaInStyleModel adain)
        {
            adain.Transform = options.Transform;
        }

        if (model.Device.type == TorchSharp.DeviceType.CPU)
        {
            model.UseOnnxRuntime(new OnnxRuntimeSettings()); // as the farm's CPU devices do, and faster
        }

        var request = new FeedForwardRequest(content, regionList)
        {
            Alpha = options.Alpha,
            Color = options.Color,
            LuminanceSpace = options.LuminanceSpace,
            MatchStyleColors = !options.DecoderColors,
            StrokeScale = options.StrokeScale,
            StrokeDetail = options.StrokeDetail,
        };
        return new FeedForwardStylizer(model).Stylise(request);
    }

    /// <summary>
    /// Loads the model once for many pictures of one size, e.g. a clip's frames, with styles over the whole picture
    /// (checked here, before any frame is decoded).
    /// </summary>
    public FeedForwardSession Open(FeedForwardRequestOptions options, string[] styles)
    {
        if (styles.Length == 0)
        {
            throw new ArgumentException(_info.Kind == StyleModelKind.AdaIn
                ? "Give a painting: --style PATH (AdaIN takes any style image)."
                : $"Give a style of this model: --style NAME[=W], one of {string.Join(", ", _info.Styles)}.");
        }

        var regions = new List<FeedForwardRegion> { FeedForwardRegion.Everywhere([.. styles.Select(Choice)]) };
        var encoder = _info.Kind == StyleModelKind.AdaIn ? ResNetOnnxImporter.LoadDefault() : null;
        try
        {
            var model = StyleModelFile.Load(modelPath, encoder, DeviceChoice.Best());
            if (model is AdaInStyleModel adain)
            {
                adain.Transform = options.Transform;
            }

            if (model.Device.type == TorchSharp.DeviceType.CPU)
            {
                model.UseOnnxRuntime(new OnnxRuntimeSettings()); // as the farm's CPU devices do, and faster
            }

            return new FeedForwardSession(model, encoder, regions, options);
        }
        catch
        {
            encoder?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The styles as the farm takes them: a trained style by the name the model file gives it (also from a path to its
    /// painting or its number), an AdaIN painting as its pixels. Checked here, before any frame is decoded.
    /// </summary>
    public IReadOnlyList<Farm.Jobs.StyleWeight> FarmStyles(string[] styles)
    {
        if (styles.Length == 0)
        {
            throw new ArgumentException(_info.Kind == StyleModelKind.AdaIn
                ? "Give a painting: --style PATH (AdaIN takes any style image)."
                : $"Give a style of this model: --style NAME[=W], one of {string.Join(", ", _info.Styles)}.");
        }

        return [.. styles.Select(spec =>
        {
            var (nameOrPath, weight) = StyleSpecs.ParseWeighted(spec);
            if (_info.Kind == StyleModelKind.AdaIn)
            {
                return Farm.Jobs.StyleWeight.FromImage(Path.GetFileNameWithoutExtension(nameOrPath), Farm.Pixels.PixelBufferConversions.ToPixelBuffer(ImageFiles.ReadRgb(nameOrPath)), weight);
            }

            var choice = Choice(spec);
            return Farm.Jobs.StyleWeight.Trained(_info.Styles[choice.Index ?? 0], weight);
        })];
    }

    /// <summary>
    /// The regions of a farm job: <paramref name="styles"/> over the whole picture, or <paramref name="regions"/> as in
    /// <c>render --region</c> (<c>MASK:STYLE[=W][+STYLE[=W]]</c>, <c>!MASK</c> inverts), each static mask fitted to the
    /// <paramref name="width"/>×<paramref name="height"/> frames. Checked here, before any frame is decoded.
    /// </summary>
    public System.Collections.Immutable.ImmutableArray<Farm.Jobs.RegionSpec> FarmRegions(string[] styles, string[] regions, int width, int height)
    {
        if (regions.Length == 0)
        {
            return [Farm.Jobs.RegionSpec.Everywhere([.. FarmStyles(styles)])];
        }

        if (styles.Length > 0)
        {
            throw new ArgumentException("--style applies to the whole frame; with --region give every region its mask (e.g. --region !fg.png:starry_night).");
        }

        return [.. regions.Select(spec =>
        {
            var separator = spec.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0 || separator == spec.Length - 1 || spec.LastIndexOf('@') > separator)
            {
                throw new ArgumentException($"--region '{spec}' must look like MASK:STYLE[=W][+STYLE[=W]], e.g. fg.png:starry_night or !fg.png:the_scream=0.5+mondrian (no @COLOR for video: use --color).");
            }

            var mask = StyleRequest.FitMask(ImageFiles.ReadMask(spec[..separator]), width, height);
            return new Farm.Jobs.RegionSpec([.. FarmStyles(spec[(separator + 1)..].Split('+', StringSplitOptions.RemoveEmptyEntries))], Farm.Pixels.PixelBufferConversions.ToPixelBuffer(mask));
        })];
    }

    private StyleChoice Choice(string spec)
    {
        var (nameOrPath, weight) = StyleSpecs.ParseWeighted(spec);
        if (_info.Kind == StyleModelKind.AdaIn)
        {
            return StyleChoice.FromImage(ImageFiles.ReadRgb(nameOrPath), weight, name: Path.GetFileNameWithoutExtension(nameOrPath));
        }

        // A trained style is named as in the model file; a path to the painting it was trained on also works.
        var name = Path.GetFileNameWithoutExtension(nameOrPath);
        var index = _info.Styles.ToList().FindIndex(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0 && int.TryParse(name, out var number) && number >= 0 && number < _info.Styles.Count)
        {
            index = number;
        }

        return index >= 0
            ? StyleChoice.Trained(index, weight)
            : throw new ArgumentException($"The model has no style '{name}'; it knows {string.Join(", ", _info.Styles)}.");
    }
}

/// <summary>A loaded model, its styles and colour options, and optionally frozen statistics, for many pictures.</summary>
internal sealed class FeedForwardSession(IStyleModel model, IDisposable? encoder, IReadOnlyList<FeedForwardRegion> regions, FeedForwardRequestOptions options)
    : IDisposable
{
    private readonly FeedForwardStylizer _stylizer = new(model);
    private NormStatistics? _statistics;

    /// <summary>
    /// Normalises every later picture with the statistics of <paramref name="source"/> (e.g. keyframes of a clip side
    /// by side) instead of its own, as tiles of a farm render share a thumbnail's.
    /// </summary>
    public void Freeze(PlanarImage source)
    {
        _statistics?.Dispose();
        _statistics = _stylizer.CaptureStatistics(Request(source) with { StatisticsSource = source });
    }

    public PlanarImage Stylise(PlanarImage content) => _stylizer.Stylise(Request(content) with { Statistics = _statistics });

    public void Dispose()
    {
        _statistics?.Dispose();
        model.Dispose();
        encoder?.Dispose();
    }

    private FeedForwardRequest Request(PlanarImage content) => new(content, regions)
    {
        Alpha = options.Alpha,
        Color = options.Color,
        LuminanceSpace = options.LuminanceSpace,
        MatchStyleColors = !options.DecoderColors,
    };
}

internal sealed record FeedForwardRequestOptions(
    float Alpha, ColorMode Color, LuminanceSpace LuminanceSpace, bool DecoderColors = false, FeatureTransform Transform = FeatureTransform.AdaIn)
{
    /// <summary>Stroke scale of single-picture renders (0 = automatic); clips keep the network's strokes.</summary>
    public float StrokeScale { get; init; } = 1f;

    public float StrokeDetail { get; init; } = StrokeScaling.DefaultDetail;
}
