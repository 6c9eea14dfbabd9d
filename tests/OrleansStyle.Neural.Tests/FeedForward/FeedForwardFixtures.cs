using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.FeedForward.Training;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

/// <summary>Tiny networks and small real images, so every feed-forward test runs in seconds.</summary>
internal static class FeedForwardFixtures
{
    public static readonly TransformerArchitecture Tiny = new(Width: 8, ResidualBlocks: 2);

    public static readonly AdaInArchitecture TinyAdaIn = new("layer2", Width: 8);

    // Not one of the training photos below. Its encoder channels all vary well above AdaInTests' live threshold, so the
    // transferred std matches the style's within the 1e-4 of float precision.
    public static readonly Lazy<PlanarImage> Content = new(() => TestImages.Load(SampleImages.Content("raindrops"), 64, 48));

    public static readonly Lazy<PlanarImage> StarryNight = new(() => TestImages.Load(SampleImages.Style("starry_night"), 64, 40));

    public static readonly Lazy<PlanarImage> Scream = new(() => TestImages.Load(SampleImages.Style("the_scream"), 40, 52));

    public static TrainingData Photos => TrainingData.FromImages(
        [.. new[] { "yellow_flower", "ladybird", "garden", "dune" }.Select(n => (n, TestImages.Load(SampleImages.Content(n), 96, 80)))],
        "test photos");

    public static TrainingData Styles(params string[] names) => TrainingData.FromImages(
        [.. names.Select(n => (n, TestImages.Load(SampleImages.Style(n), 96, 96)))], "test styles");

    /// <summary>A transformer with random weights and distinct, random γ/β rows per style.</summary>
    public static TransformerNet RandomTransformer(int styles, int seed = 1, TransformerArchitecture? architecture = null)
    {
        var network = new TransformerNet(architecture ?? Tiny, styles);
        var generator = new Generator((ulong)seed);
        network.Initialize(generator);
        using var noGrad = no_grad();
        foreach (var norm in network.Norms)
        {
            norm.Gamma.normal_(1, 0.3, generator);
            norm.Beta.normal_(0, 0.3, generator);
        }

        network.eval();
        return network;
    }

    public static TransformerStyleModel RandomModel(int styles, int seed = 1) =>
        new(RandomTransformer(styles, seed), new StyleModelInfo(
            styles == 1 ? StyleModelKind.Single : StyleModelKind.Multi,
            Tiny.Name,
            [.. Enumerable.Range(0, styles).Select(s => $"style{s}")]));

    public static AdaInStyleModel RandomAdaIn(int seed = 1)
    {
        var decoder = new AdaInDecoder(TinyAdaIn);
        decoder.Initialize(new Generator((ulong)seed));
        using (no_grad())
        {
            // Centre the untrained output in [0, 1] so clamping to pixels does not hide differences.
            decoder.named_parameters().Last(p => p.name.EndsWith("bias", StringComparison.Ordinal)).parameter.FillWith(0.5f);
        }

        return new AdaInStyleModel(TestNetworks.ResNet18, decoder, new StyleModelInfo(StyleModelKind.AdaIn, TinyAdaIn.Name, []) { EncoderTap = TinyAdaIn.EncoderTap });
    }

    public static float[] Values(Tensor tensor) => tensor.detach().cpu().contiguous().data<float>().ToArray();

    public static float MaxDifference(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.sub(b).abs().max().item<float>();
    }
}
