using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Serialization;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Features;

public sealed class Vgg19FeaturesTests
{
    [Fact]
    public void Random_weights_saved_as_safetensors_reload_to_identical_features()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vgg19-{Guid.NewGuid():N}.safetensors");
        try
        {
            manual_seed(7);
            using var original = new Vgg19Features();
            original.Freeze();

            // torchvision files carry the classifier too; the loader must skip it.
            var exported = ModuleWeights.Export(original).Append(new SafeTensor("classifier.0.weight", [2, 2], [1, 2, 3, 4])).ToList();
            Assert.Contains(exported, t => t.Name == "features.0.weight");
            Assert.Contains(exported, t => t.Name == "features.34.bias");
            SafeTensors.Write(path, exported);

            using var reloaded = Vgg19Features.Load(path);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var image = rand(1, 3, 48, 40, generator: new Generator(3));
            var expected = original.Extract(image, ["relu1_1", "relu3_2", "relu5_4"]);
            var actual = reloaded.Extract(image, ["relu1_1", "relu3_2", "relu5_4"]);

            Assert.Equal(new long[] { 1, 512, 3, 2 }, actual["relu5_4"].shape); // 48×40 at stride 16
            foreach (var tap in expected.Keys)
            {
                Assert.True(expected[tap].eq(actual[tap]).all().item<bool>(), tap);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Wrong_shapes_and_non_finite_weights_are_rejected()
    {
        using var network = new Vgg19Features();
        var state = ModuleWeights.Export(network).ToList();

        var wrongShape = state.Select(t => t.Name == "features.0.weight" ? t with { Shape = [64, 3, 9, 1] } : t).ToList();
        var shapeError = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(network, new SafeTensorsFile(wrongShape.ToDictionary(t => t.Name), new Dictionary<string, string>()), "test"));
        Assert.Contains("features.0.weight", shapeError.Message);

        var nan = state.Select(t => t.Name == "features.2.bias" ? t with { Data = [.. t.Data.Select((v, i) => i == 0 ? float.NaN : v)] } : t).ToList();
        var nanError = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(network, new SafeTensorsFile(nan.ToDictionary(t => t.Name), new Dictionary<string, string>()), "test"));
        Assert.Contains("NaN", nanError.Message);
    }
}
