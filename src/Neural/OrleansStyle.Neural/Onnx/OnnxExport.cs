using Google.Protobuf;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// Feed-forward models on ONNX Runtime: switch a loaded model's renders to it (<see cref="UseOnnxRuntime"/>), or
/// export a model as a standalone ONNX file anyone can run (<see cref="Export"/>).
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX producer name written into exported graphs.</summary>
    public const string Producer = "OrleansStyle";

    /// <summary>
    /// From now on the model's network passes run on ONNX Runtime's CPU provider; everything around them
    /// (padding, regions, colour, frozen statistics, AdaIN's feature transfer) is unchanged, so results equal the
    /// Torch ones to float rounding. Capturing statistics still runs on Torch. CPU models only.
    /// </summary>
    public static void UseOnnxRuntime(this IStyleModel model, OnnxRuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        if (model.Device.type != TorchSharp.DeviceType.CPU)
        {
            throw new ArgumentException($"ONNX Runtime runs CPU models here; this one is on {model.Device}.", nameof(model));
        }

        switch (model)
        {
            case TransformerStyleModel transformer when transformer.Onnx is null:
                transformer.Onnx = new TransformerOnnxNetwork(transformer.Network, settings);
                break;
            case AdaInStyleModel adaIn when adaIn.Onnx is null:
                adaIn.Onnx = new AdaInOnnxNetwork(adaIn.Decoder, settings);
                break;
            case TransformerStyleModel or AdaInStyleModel:
                break;
            default:
                throw new ArgumentException($"ONNX Runtime cannot run a {model.GetType().Name}.", nameof(model));
        }
    }

    /// <summary>True when the model's network passes run on ONNX Runtime.</summary>
    public static bool UsesOnnxRuntime(this IStyleModel model) => model switch
    {
        TransformerStyleModel transformer => transformer.Onnx is not null,
        AdaInStyleModel adaIn => adaIn.Onnx is not null,
        _ => false,
    };

    /// <summary>
    /// The model as a standalone ONNX file (opset 13). Single and multi-style models: inputs <c>image</c>
    /// [N, 3, H, W] (RGB in [0, 1], H and W multiples of 4) and <c>styles</c> [N, S] (mixture weights summing to 1,
    /// one-hot for one style); output <c>stylised</c> [N, 3, H, W]. AdaIN models: the decoder, input <c>features</c>
    /// (ResNet-18 features at the model's tap, after AdaIN), output <c>decoded</c>.
    /// </summary>
    public static byte[] Export(IStyleModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model switch
        {
            TransformerStyleModel transformer => TransformerOnnxExporter.Export(transformer.Network, TransformerGraphKind.Global, Producer),
            AdaInStyleModel adaIn => AdaInDecoderOnnxExporter.Export(adaIn.Decoder, Producer),
            _ => throw new ArgumentException($"A {model.GetType().Name} cannot be exported to ONNX.", nameof(model)),
        };
        return WithMetadata(graph, model.Info);
    }

    /// <summary>
    /// <see cref="Export(IStyleModel)"/> of a model file, loading only the network the export needs (not AdaIN's
    /// encoder). A file that is not a model is an <see cref="InvalidDataException"/> naming the problem.
    /// </summary>
    public static byte[] Export(string modelPath)
    {
        var file = Serialization.SafeTensors.Read(modelPath);
        var info = StyleModelInfo.FromMetadata(file.Metadata, modelPath);
        if (info.Kind == StyleModelKind.AdaIn)
        {
            using var decoder = StyleModelFile.LoadDecoder(file, modelPath, info);
            return WithMetadata(AdaInDecoderOnnxExporter.Export(decoder, Producer), info);
        }

        using var network = StyleModelFile.LoadTransformer(file, modelPath, info);
        return WithMetadata(TransformerOnnxExporter.Export(network, TransformerGraphKind.Global, Producer), info);
    }

    private static byte[] WithMetadata(Proto.ModelProto graph, StyleModelInfo info)
    {
        foreach (var (key, value) in info.ToMetadata())
        {
            graph.MetadataProps.Add(new Proto.StringStringEntryProto { Key = key, Value = value });
        }

        return graph.ToByteArray();
    }
}
