using System.Globalization;
using Google.Protobuf;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Bench;

/// <summary>
/// A model under test: its <see cref="IStyleModel"/> (what the farm calls), the regions it renders and its network
/// passes. A transformer renders trained style 0 (a one-hot row of the product's graph's style weights). An AdaIN model renders one style image; its passes are the whole network (encoder, AdaIN with the
/// style statistics computed once, decoder) and the decoder alone, the part that has an ONNX graph. With ONNX on,
/// <see cref="OnnxModel"/> is a second copy of the model whose network passes run on ONNX Runtime (the product path
/// after; <see cref="Model"/> is before).
/// </summary>
internal sealed class FeedForwardFamily : IDisposable
{
    private readonly List<Tensor> _owned = [];

    private FeedForwardFamily(string name, string source, IStyleModel model, IReadOnlyList<FeedForwardRegion> regions)
    {
        Name = name;
        Source = source;
        Model = model;
        Regions = regions;
    }

    public string Name { get; }

    /// <summary>Where the weights come from: "random (seed N)" or the model file.</summary>
    public string Source { get; }

    public IStyleModel Model { get; }

    /// <summary>The same model with <see cref="OnnxExport.UseOnnxRuntime"/>; null with --no-onnx.</summary>
    public IStyleModel? OnnxModel { get; private set; }

    public IReadOnlyList<FeedForwardRegion> Regions { get; }

    public IReadOnlyList<NetworkPass> Passes { get; private set; } = [];

    /// <summary>A random-weight network from a spec such as <c>johnson-w16:4</c> (4 styles) or <c>adain-w32</c>.</summary>
    public static FeedForwardFamily Random(string spec, int seed, Lazy<ResNet18Features> encoder, PlanarImage style, bool onnx, int threads)
    {
        var parts = spec.Split(':');
        var name = parts[0];
        var styles = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;
        var source = string.Create(CultureInfo.InvariantCulture, $"random (seed {seed})");
        if (TransformerArchitecture.TryParse(name, out var architecture))
        {
            var network = new TransformerNet(architecture, styles);
            var generator = new Generator((ulong)seed);
            network.Initialize(generator);
            using (no_grad())
            {
                // Distinct γ/β rows, so folding the one-hot style into the ONNX graph is actually checked.
                foreach (var norm in network.Norms)
                {
                    foreach (var (_, parameter) in norm.named_parameters())
                    {
                        parameter.normal_(parameter.mean().item<float>(), 0.2, generator);
                    }
                }
            }

            var info = new StyleModelInfo(styles == 1 ? StyleModelKind.Single : StyleModelKind.Multi, architecture.Name, [.. Enumerable.Range(0, styles).Select(i => $"style{i}")]);
            return Create(Label(name, styles), source, new TransformerStyleModel(network, info), style, onnx, threads, encoder);
        }

        if (AdaInArchitecture.TryParse(name, "layer2", out var adain))
        {
            var decoder = new AdaInDecoder(adain);
            decoder.Initialize(new Generator((ulong)seed));
            var info = new StyleModelInfo(StyleModelKind.AdaIn, adain.Name, []) { EncoderTap = adain.EncoderTap };
            return Create(name, source, new AdaInStyleModel(encoder.Value, decoder, info), style, onnx, threads, encoder);
        }

        throw new ArgumentException($"Unknown family '{spec}': use johnson-wW[-rB][:styles] or adain-wW.");
    }

    /// <summary>A trained model file.</summary>
    public static FeedForwardFamily Load(string path, Lazy<ResNet18Features> encoder, PlanarImage style, bool onnx, int threads)
    {
        var info = StyleModelFile.ReadInfo(path);
        var model = StyleModelFile.Load(path, info.Kind == StyleModelKind.AdaIn ? encoder.Value : null);
        return Create(Label(info.Architecture, info.Styles.Count, info.Kind), Path.GetFileName(path), model, style, onnx, threads, encoder);
    }

    public void Dispose()
    {
        foreach (var tensor in _owned)
        {
            tensor.Dispose();
        }

        OnnxModel?.Dispose();
        Model.Dispose();
    }

    private static string Label(string architecture, int styles, StyleModelKind kind = StyleModelKind.Multi) =>
        kind == StyleModelKind.AdaIn ? architecture
        : styles == 1 ? string.Create(CultureInfo.InvariantCulture, $"{architecture} (1 style)")
        : string.Create(CultureInfo.InvariantCulture, $"{architecture} ({styles} styles, CIN)");

    private static FeedForwardFamily Create(string name, string source, IStyleModel model, PlanarImage style, bool onnx, int threads, Lazy<ResNet18Features> encoder)
    {
        var family = CreatePasses(name, source, model, style, onnx);
        if (onnx)
        {
            // A copy through a model file, as the farm loads it.
            var copy = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.safetensors");
            try
            {
                model.Save(copy);
                family.OnnxModel = StyleModelFile.Load(copy, model.Kind == StyleModelKind.AdaIn ? encoder.Value : null);
                family.OnnxModel.UseOnnxRuntime(new OnnxRuntimeSettings { IntraOpThreads = threads });
            }
            finally
            {
                File.Delete(copy);
            }
        }

        return family;
    }

    private static FeedForwardFamily CreatePasses(string name, string source, IStyleModel model, PlanarImage style, bool onnx)
    {
        switch (model)
        {
            case TransformerStyleModel transformer:
            {
                var family = new FeedForwardFamily(name, source, model, [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))]);
                var network = transformer.Network;
                network.eval();
                family.Passes =
                [
                    new NetworkPass(
                        name,
                        image => image,
                        image => network.forward(image, StyleCondition.OneHot([.. Enumerable.Repeat(0, (int)image.shape[0])], network.Styles)),
                        onnx ? TransformerOnnxExporter.Export(network, TransformerGraphKind.Global, OnnxExport.Producer).ToByteArray() : null),
                ];
                return family;
            }

            case AdaInStyleModel adain:
            {
                var family = new FeedForwardFamily(name, source, model, [FeedForwardRegion.Everywhere(StyleChoice.FromImage(style))]);
                var (styleMean, styleStd) = StyleStatistics(adain, style);
                family._owned.AddRange([styleMean, styleStd]);
                adain.Decoder.eval();
                Tensor Transfer(Tensor image)
                {
                    var features = adain.Encoder.Extract(image, [adain.Tap])[adain.Tap];
                    var (mean, std) = AdaIn.Statistics(features);
                    return AdaIn.Apply(features, mean, std, styleMean, styleStd);
                }

                family.Passes =
                [
                    new NetworkPass(
                        $"{name} (encoder + AdaIN + decoder)",
                        image => image,
                        image => adain.Decoder.forward(Transfer(image))[.., .., ..(int)image.shape[2], ..(int)image.shape[3]],
                        null),
                    new NetworkPass($"{name} decoder only", Transfer, adain.Decoder.forward, onnx ? AdaInDecoderOnnxExporter.Export(adain.Decoder, OnnxExport.Producer).ToByteArray() : null),
                ];
                return family;
            }

            default:
                throw new ArgumentException($"No benchmark passes for {model.GetType().Name}.", nameof(model));
        }
    }

    /// <summary>The style's feature mean and std at the tap, owned by the family (outside every dispose scope).</summary>
    private static (Tensor Mean, Tensor Std) StyleStatistics(AdaInStyleModel model, PlanarImage style)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var features = model.Encoder.Extract(style.ToTensor(model.Device), [model.Tap])[model.Tap];
        var (mean, std) = AdaIn.Statistics(features);
        return (mean.DetachFromDisposeScope(), std.DetachFromDisposeScope());
    }
}
