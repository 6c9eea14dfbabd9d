using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Serialization;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class StyleModelFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleans-style-models-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Transformer_models_round_trip_with_their_metadata()
    {
        using var model = RandomModel(2);
        var info = model.Info with { TrainingData = "coco (3 images)", Steps = 1234 };
        using var original = new TransformerStyleModel(RandomTransformer(2), info);
        var path = Path.Combine(_directory, "multi.safetensors");
        original.Save(path);

        using var loaded = StyleModelFile.Load(path);

        Assert.IsType<TransformerStyleModel>(loaded);
        Assert.Equal(StyleModelKind.Multi, loaded.Kind);
        Assert.Equal("johnson-w8-r2", loaded.Info.Architecture);
        Assert.Equal(["style0", "style1"], loaded.Info.Styles);
        Assert.Equal("coco (3 images)", loaded.Info.TrainingData);
        Assert.Equal(1234, loaded.Info.Steps);
        Assert.Equal(StyleModelInfo.ResNet18LossNetwork, loaded.Info.LossNetwork);
        Assert.Equal("1", loaded.Info.Version);
        Assert.Null(loaded.Info.EncoderTap);
        Assert.Equal(2, loaded.StyleCount);
        Assert.Equal(original.Stylise(Content.Value, StyleChoice.Trained(1)).Data, loaded.Stylise(Content.Value, StyleChoice.Trained(1)).Data);

        var metadata = SafeTensors.Read(path).Metadata;
        Assert.Equal("multi", metadata["kind"]);
        Assert.Equal("""["style0","style1"]""", metadata["styles"]);
    }

    [Fact]
    public void AdaIn_models_round_trip_with_their_encoder_tap()
    {
        using var original = RandomAdaIn();
        var path = Path.Combine(_directory, "adain.safetensors");
        original.Save(path);

        using var loaded = StyleModelFile.Load(path, TestNetworks.ResNet18);

        var adain = Assert.IsType<AdaInStyleModel>(loaded);
        Assert.Equal("layer2", adain.Tap);
        Assert.Equal("adain-w8", loaded.Info.Architecture);
        Assert.Equal(StyleModelKind.AdaIn, loaded.Kind);
        var style = StyleChoice.FromImage(StarryNight.Value);
        Assert.Equal(original.Stylise(Content.Value, style).Data, loaded.Stylise(Content.Value, style).Data);
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_rejected()
    {
        var path = Write("garbage.safetensors", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path));
        Assert.Contains("not a valid safetensors file", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("kind", null, "has no 'kind' metadata")]
    [InlineData("kind", "painting", "unknown model kind 'painting'")]
    [InlineData("version", "2", "version '2'")]
    [InlineData("architecture", "unet-w16", "unknown architecture 'unet-w16'")]
    [InlineData("architecture", "johnson-w16-r2", "expects [16,3,9,9]")]
    [InlineData("styles", "not json", "not a JSON array")]
    [InlineData("styles", """["a","b","c"]""", "expects [3,8]")]
    [InlineData("kind", "single", "exactly one style")]
    public void Bad_metadata_is_rejected_with_a_clear_message(string key, string? value, string expected)
    {
        using var model = RandomModel(2);
        var metadata = model.Info.ToMetadata();
        if (value is null)
        {
            metadata.Remove(key);
        }
        else
        {
            metadata[key] = value;
        }

        var path = Path.Combine(_directory, "bad.safetensors");
        SafeTensors.Write(path, model.Export(), metadata);

        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_rejected()
    {
        using var model = RandomModel(1);
        var tensors = model.Export().Select(t => t.Name == "res.0.conv1.conv2d.weight" ? t with { Shape = [32, 8, 3, 3], Data = new float[32 * 8 * 9] } : t);
        var path = Path.Combine(_directory, "shape.safetensors");
        SafeTensors.Write(path, tensors, model.Info.ToMetadata());

        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path));
        Assert.Contains("'res.0.conv1.conv2d.weight' has shape [32,8,3,3]", error.Message);
    }

    [Fact]
    public void A_missing_tensor_is_rejected()
    {
        using var model = RandomModel(1);
        var path = Path.Combine(_directory, "missing.safetensors");
        SafeTensors.Write(path, model.Export().Where(t => t.Name != "in5.bias"), model.Info.ToMetadata());

        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path));
        Assert.Contains("'in5.bias'", error.Message);
    }

    [Fact]
    public void Non_finite_weights_are_rejected()
    {
        using var model = RandomModel(1);
        var tensors = model.Export().Select(t => t.Name == "in2.weight" ? t with { Data = [.. t.Data.Select((v, i) => i == 3 ? float.NaN : v)] } : t);
        var path = Path.Combine(_directory, "nan.safetensors");
        SafeTensors.Write(path, tensors, model.Info.ToMetadata());

        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path));
        Assert.Contains("'in2.weight' contains NaN", error.Message);
    }

    [Fact]
    public void An_AdaIn_model_needs_its_encoder_tap()
    {
        using var model = RandomAdaIn();
        var metadata = model.Info.ToMetadata();
        metadata.Remove("encoder_tap");
        var path = Path.Combine(_directory, "tap.safetensors");
        SafeTensors.Write(path, model.Export(), metadata);

        var error = Assert.Throws<InvalidDataException>(() => StyleModelFile.Load(path, TestNetworks.ResNet18));
        Assert.Contains("lacks 'encoder_tap'", error.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
