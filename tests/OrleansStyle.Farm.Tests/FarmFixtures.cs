using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Farm.Tests;

/// <summary>Tiny random models written once to a model folder, and small real photos as wire buffers.</summary>
internal static class FarmFixtures
{
    public const string Multi = "tiny-multi";
    public const string AdaIn = "tiny-adain";

    /// <summary>The repository's bundled AdaIN decoder (models/adain.safetensors), copied beside the tiny models.</summary>
    public const string BundledAdaIn = "adain";

    private static readonly Lazy<string> LazyModels = new(WriteModels);
    private static readonly Lazy<ResNet18Features> LazyEncoder = new(ResNetOnnxImporter.LoadDefault);

    /// <summary>A folder holding <see cref="Multi"/> (2 styles) and <see cref="AdaIn"/>.</summary>
    public static string ModelDirectory => LazyModels.Value;

    public static ResNet18Features Encoder => LazyEncoder.Value;

    public static PixelBuffer Photo(string name, int width, int height)
    {
        using var image = new SafeImageReader().ReadRgb(SampleImages.Content(name));
        return image.ToPlanar().Resize(width, height).ToPixelBuffer();
    }

    public static PixelBuffer Painting(string name, int longSide)
    {
        using var image = new SafeImageReader().ReadRgb(SampleImages.Style(name));
        var planar = image.ToPlanar();
        var scale = (double)longSide / Math.Max(planar.Width, planar.Height);
        return planar.Resize((int)Math.Round(planar.Width * scale), (int)Math.Round(planar.Height * scale)).ToPixelBuffer();
    }

    public static IStyleModel Load(string name) =>
        StyleModelFile.Load(Path.Combine(ModelDirectory, name + ".safetensors"), name is AdaIn or BundledAdaIn ? Encoder : null);

    private static string WriteModels()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"orleansstyle-farm-models-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var generator = new Generator(7);

        var architecture = new TransformerArchitecture(Width: 8, ResidualBlocks: 2);
        var network = new TransformerNet(architecture, styles: 2);
        network.Initialize(generator);
        using (no_grad())
        {
            // Distinct random γ/β per style, so the two styles render visibly differently.
            foreach (var norm in network.Norms)
            {
                norm.Gamma.normal_(1, 0.3, generator);
                norm.Beta.normal_(0, 0.3, generator);
            }
        }

        using (var multi = new TransformerStyleModel(network, new StyleModelInfo(StyleModelKind.Multi, architecture.Name, ["style0", "style1"])))
        {
            multi.Save(Path.Combine(directory, Multi + ".safetensors"));
        }

        var adainArchitecture = new AdaInArchitecture("layer2", Width: 8);
        var decoder = new AdaInDecoder(adainArchitecture);
        decoder.Initialize(generator);
        using (var adain = new AdaInStyleModel(Encoder, decoder, new StyleModelInfo(StyleModelKind.AdaIn, adainArchitecture.Name, []) { EncoderTap = "layer2" }))
        {
            adain.Save(Path.Combine(directory, AdaIn + ".safetensors"));
        }

        File.Copy(Path.Combine(RepositoryRoot.Directory, "models", BundledAdaIn + ".safetensors"), Path.Combine(directory, BundledAdaIn + ".safetensors"), overwrite: true);
        return directory;
    }
}
