using Microsoft.ML.OnnxRuntime;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Onnx;

/// <summary>
/// The bundled models render the same on ONNX Runtime as on TorchSharp (≤ 1e-4 per pixel) in every mode the farm
/// uses: one style, mixtures, masked regions, frozen statistics, batches mixing them, AdaIN with α and masks.
/// </summary>
public sealed class OnnxRuntimeModelTests
{
    private const float Tolerance = 1e-4f;

    private static readonly OnnxRuntimeSettings Settings = new() { IntraOpThreads = 2 };

    // Sides that are not multiples of 4 (nor 32 once padded): the padding paths run too.
    private static readonly Lazy<PlanarImage> Content = new(() => TestImages.Load(SampleImages.Content("dune"), 90, 70));

    private static readonly Lazy<PlanarImage> Other = new(() => TestImages.Load(SampleImages.Style("the_scream"), 90, 70));

    private static readonly Lazy<PlanarImage> Starry = new(() => TestImages.Load(SampleImages.Style("starry_night"), 64, 48));

    private static readonly PlanarImage Left = TestImages.Mask(90, 70, (x, _) => Math.Clamp((60 - x) / 20f, 0f, 1f));

    private static readonly PlanarImage Bottom = TestImages.Mask(90, 70, (_, y) => y >= 40 ? 1f : 0f);

    private static string Bundled(string name) => Path.Combine(RepositoryRoot.Directory, "models", name + ".safetensors");

    [Fact]
    public void Multi_style_model_matches_torch_with_mixtures_masks_and_frozen_statistics()
    {
        using var torchModel = StyleModelFile.Load(Bundled("multi4"));
        using var onnxModel = StyleModelFile.Load(Bundled("multi4"));
        onnxModel.UseOnnxRuntime(Settings);
        var mixture = FeedForwardRegion.Everywhere(StyleChoice.Trained(1, 0.3f), StyleChoice.Trained(3, 0.7f));
        FeedForwardRegion[] masked = [new(Left, [StyleChoice.Trained(0)]), new(Bottom, [StyleChoice.Trained(2)])];
        using var frozen = torchModel.CaptureStatistics(Other.Value, [mixture]);
        using var frozenMasked = torchModel.CaptureStatistics(Other.Value, masked);
        StyleBatchItem[][] batches =
        [
            [new(Content.Value, [FeedForwardRegion.Everywhere(StyleChoice.Trained(2))])],
            [new(Content.Value, [mixture])],
            [new(Content.Value, masked)],
            [new(Content.Value, [mixture], Statistics: frozen)],
            [new(Content.Value, masked, Statistics: frozenMasked)],
            [new(Content.Value, [mixture], Statistics: frozen), new(Other.Value, masked, Statistics: frozenMasked)],
            [new(Content.Value, [mixture]), new(Other.Value, [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))])],
        ];

        foreach (var batch in batches)
        {
            AssertSame(torchModel.StyliseBatch(batch), onnxModel.StyliseBatch(batch));
        }

        Assert.True(onnxModel.UsesOnnxRuntime());
    }

    [Fact]
    public void AdaIn_model_matches_torch_with_alpha_masks_and_frozen_statistics()
    {
        using var torchModel = StyleModelFile.Load(Bundled("adain"));
        using var onnxModel = StyleModelFile.Load(Bundled("adain"));
        onnxModel.UseOnnxRuntime(Settings);
        var starry = FeedForwardRegion.Everywhere(StyleChoice.FromImage(Starry.Value));
        FeedForwardRegion[] masked = [new(Left, [StyleChoice.FromImage(Starry.Value)]), new(Bottom, [StyleChoice.FromImage(Other.Value)])];
        using var frozen = torchModel.CaptureStatistics(Other.Value, [starry]);
        StyleBatchItem[][] batches =
        [
            [new(Content.Value, [starry])],
            [new(Content.Value, [starry], Alpha: 0.6f)],
            [new(Content.Value, masked)],
            [new(Content.Value, [starry], Statistics: frozen), new(Other.Value, [starry], Alpha: 0.5f)],
        ];

        foreach (var batch in batches)
        {
            AssertSame(torchModel.StyliseBatch(batch), onnxModel.StyliseBatch(batch));
        }

        // Statistics captured with the ONNX encoder are the Torch ones.
        using var onnxFrozen = onnxModel.CaptureStatistics(Other.Value, [starry]);
        var expected = frozen.ToSnapshot().Points.Single();
        var actual = onnxFrozen.ToSnapshot().Points.Single();
        Assert.True(MaxDifference(expected.Mean, actual.Mean) <= Tolerance * 10, "content means differ");
    }

    [Fact]
    public void Exported_multi_style_file_runs_in_onnx_runtime_as_the_torch_network()
    {
        using var model = (TransformerStyleModel)StyleModelFile.Load(Bundled("multi4"));
        var bytes = OnnxExport.Export(model);
        using var session = new InferenceSession(bytes);
        Assert.Equal(["image", "styles"], session.InputMetadata.Keys.Order());
        Assert.Contains(session.ModelMetadata.CustomMetadataMap, p => p.Key == "styles");

        var image = TestImages.Load(SampleImages.Content("dune"), 64, 48);
        float[] weights = [0f, 0.5f, 0f, 0.5f];
        using var imageValue = OrtValue.CreateTensorValueFromMemory(image.Data, [1, 3, 48, 64]);
        using var stylesValue = OrtValue.CreateTensorValueFromMemory(weights, [1, 4]);
        using var results = session.Run(new RunOptions(), ["image", "styles"], [imageValue, stylesValue], ["stylised"]);
        var ours = results[0].GetTensorDataAsSpan<float>().ToArray();

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = model.Network.forward(image.ToTensor(), StyleCondition.Global(tensor(weights, [1, 4]))).contiguous().data<float>().ToArray();
        Assert.True(MaxDifference(expected, ours) <= Tolerance, $"max |ORT − Torch| = {MaxDifference(expected, ours):E2}");
    }

    [Fact]
    public void Exported_adain_file_is_its_decoder()
    {
        using var model = StyleModelFile.Load(Bundled("adain"));
        using var session = new InferenceSession(OnnxExport.Export(model));
        Assert.Equal("features", session.InputMetadata.Keys.Single());
        Assert.Equal(128, session.InputMetadata["features"].Dimensions[1]);
    }

    private static void AssertSame(IReadOnlyList<PlanarImage> expected, IReadOnlyList<PlanarImage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Width, expected[i].Height), (actual[i].Width, actual[i].Height));
            var difference = MaxDifference(expected[i].Data, actual[i].Data);
            Assert.True(difference <= Tolerance, $"item {i}: max |ORT − Torch| = {difference:E2}");
        }
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
