using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Serialization;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// Feed-forward model files: F32 safetensors holding the trained tensors (PyTorch-style names such as
/// <c>conv1.conv2d.weight</c>, <c>in1.weight</c> [S, C], <c>layers.0.conv2d.weight</c>) and the
/// <see cref="StyleModelInfo"/> as metadata. Training checkpoints are model files with extra
/// <c>optimizer.</c> tensors, so they load here too.
/// </summary>
public static class StyleModelFile
{
    /// <summary>Tensors under this prefix (optimizer state in checkpoints) are ignored when loading a model.</summary>
    public const string OptimizerPrefix = "optimizer.";

    /// <summary>
    /// Loads a model. AdaIN models need the encoder they were trained with: pass the loaded ResNet-18 to share it,
    /// or null to load the bundled one (owned and disposed by the model). Every problem with the file is an
    /// <see cref="InvalidDataException"/> that names it.
    /// </summary>
    public static IStyleModel Load(string path, FeatureNetwork? encoder = null, Device? device = null) =>
        Load(SafeTensors.Read(path), path, encoder, device);

    public static IStyleModel Load(SafeTensorsFile file, string source, FeatureNetwork? encoder = null, Device? device = null)
    {
        var info = StyleModelInfo.FromMetadata(file.Metadata, source);
        return info.Kind == StyleModelKind.AdaIn
            ? LoadAdaIn(file, source, info, encoder, device)
            : new TransformerStyleModel(LoadTransformer(file, source, info), info, device);
    }

    /// <summary>
    /// The metadata of a file checked as a whole: the network its metadata names is built (after the declared size is
    /// checked against the stored tensors) and every tensor loaded, so a file that lies about its width, blocks or
    /// styles, or holds NaN, is refused here rather than on a device. AdaIN's encoder is not needed for this.
    /// </summary>
    public static StyleModelInfo Verify(string path)
    {
        var file = SafeTensors.Read(path);
        var info = StyleModelInfo.FromMetadata(file.Metadata, path);
        using nn.Module network = info.Kind == StyleModelKind.AdaIn ? LoadDecoder(file, path, info) : LoadTransformer(file, path, info);
        return info;
    }

    /// <summary>Just the metadata, without building a network.</summary>
    public static StyleModelInfo ReadInfo(string path) => StyleModelInfo.FromMetadata(SafeTensors.Read(path).Metadata, path);

    internal static TransformerNet LoadTransformer(SafeTensorsFile file, string source, StyleModelInfo info)
    {
        if (!TransformerArchitecture.TryParse(info.Architecture, out var architecture))
        {
            throw new InvalidDataException(
                $"{source}: unknown architecture '{info.Architecture}' for a {StyleModelInfo.KindName(info.Kind)}-style model (expected e.g. johnson-w32).");
        }

        // Check the declared size against the stored tensors before allocating anything of that size.
        ExpectShape(file, source, "conv1.conv2d.weight", [architecture.Width, 3, 9, 9], info.Architecture);
        var lastBlock = $"res.{architecture.ResidualBlocks - 1}.conv1.conv2d.weight";
        if ((architecture.ResidualBlocks > 0 && !file.Tensors.ContainsKey(lastBlock))
            || file.Tensors.ContainsKey($"res.{architecture.ResidualBlocks}.conv1.conv2d.weight"))
        {
            throw new InvalidDataException(
                $"{source}: the architecture '{info.Architecture}' has {architecture.ResidualBlocks} residual block(s) but the file's tensors do not.");
        }

        var network = new TransformerNet(architecture, info.Styles.Count);
        return LoadInto(network, file, source);
    }

    internal static AdaInDecoder LoadDecoder(SafeTensorsFile file, string source, StyleModelInfo info)
    {
        if (!AdaInArchitecture.TryParse(info.Architecture, info.EncoderTap ?? "", out var architecture))
        {
            throw new InvalidDataException(
                $"{source}: unknown AdaIN architecture '{info.Architecture}' with encoder tap '{info.EncoderTap}' (expected e.g. adain-w64 at layer2).");
        }

        ExpectShape(file, source, "layers.0.conv2d.weight", [(long)architecture.Width << (architecture.Stage - 1), architecture.TapChannels, 3, 3], info.Architecture);
        return LoadInto(new AdaInDecoder(architecture), file, source);
    }

    private static IStyleModel LoadAdaIn(SafeTensorsFile file, string source, StyleModelInfo info, FeatureNetwork? encoder, Device? device)
    {
        if (encoder is not null and not ResNet18Features)
        {
            throw new ArgumentException($"{source} decodes ResNet-18 features; pass the ResNet-18 encoder (or none to load the bundled one).", nameof(encoder));
        }

        var decoder = LoadDecoder(file, source, info);
        try
        {
            var owns = encoder is null;
            return new AdaInStyleModel(encoder ?? ResNetOnnxImporter.LoadDefault(), decoder, info, owns, device);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    private static T LoadInto<T>(T network, SafeTensorsFile file, string source)
        where T : nn.Module
    {
        try
        {
            ModuleWeights.Load(network, file, source, OptimizerPrefix);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static void ExpectShape(SafeTensorsFile file, string source, string name, long[] shape, string architecture)
    {
        if (!file.Tensors.TryGetValue(name, out var stored))
        {
            throw new InvalidDataException($"{source} lacks '{name}', which a {architecture} network needs.");
        }

        if (!stored.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException(
                $"{source}: '{name}' has shape [{string.Join(',', stored.Shape)}], but a {architecture} network expects [{string.Join(',', shape)}].");
        }
    }
}
