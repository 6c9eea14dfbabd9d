using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Features;

public sealed class ResNet18FeaturesTests
{
    private static ResNet18Features Network => TestNetworks.ResNet18;

    [Fact]
    public void Graph_structure_is_the_CNTK_export_with_three_blocks_in_layer4()
    {
        Assert.Equal(["layer1", "layer2", "layer3", "layer4"], Network.Taps.Where(t => t.StartsWith("layer") && !t.Contains('.')));
        Assert.Contains("layer4.2", Network.Taps);
        Assert.DoesNotContain("layer4.3", Network.Taps);
        Assert.Contains("layer2.0.conv1", Network.Taps);
    }

    [Theory]
    [InlineData(224, 224)]
    [InlineData(97, 130)]
    [InlineData(33, 65)]
    public void Any_image_size_gives_taps_at_their_stride(int height, int width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var image = rand(1, 3, height, width, generator: new Generator(1));
        var features = Network.Extract(image, ["stem", "layer1", "layer2.0.conv1", "layer3", "layer4"]);

        foreach (var (tap, activation) in features)
        {
            var stride = Network.Stride(tap);
            Assert.Equal((height + stride - 1) / stride, activation.shape[2]);
            Assert.Equal((width + stride - 1) / stride, activation.shape[3]);
            Assert.True(activation.isfinite().all().item<bool>(), tap);
        }

        Assert.Equal(512, features["layer4"].shape[1]);
    }

    [Fact]
    public void Channels_last_input_gives_the_same_features_and_input_gradient_as_NCHW()
    {
        // The Gatys objective feeds the network channels-last copies of the image for speed; only rounding may differ.
        using var scope = NewDisposeScope();
        var photo = TestImages.Load(SampleImages.Content("storm"), 96, 64).ToTensor();
        Tensor Gradient(Tensor input, Func<Tensor, Tensor> layout, out Tensor features)
        {
            var image = input.clone().requires_grad_(true);
            var layer3 = Network.Extract(layout(image), ["layer3"])["layer3"];
            layer3.square().sum().backward();
            features = layer3.detach();
            return image.grad!.detach();
        }

        var nchwGradient = Gradient(photo, x => x, out var nchw);
        var channelsLastGradient = Gradient(photo, x => x.ToChannelsLast(), out var channelsLast);

        Assert.Equal(1, channelsLast.stride(1)); // really NHWC all the way to layer3
        Assert.NotEqual(1, nchw.stride(1));
        var featureError = ((channelsLast - nchw).abs().max() / nchw.abs().max()).item<float>();
        var gradientError = ((channelsLastGradient - nchwGradient).abs().max() / nchwGradient.abs().max()).item<float>();
        Assert.True(featureError < 1e-5f, $"features differ by {featureError} of their maximum");
        Assert.True(gradientError < 1e-5f, $"gradients differ by {gradientError} of their maximum");
    }

    [Fact]
    public void Features_are_those_of_the_real_image_not_of_padding()
    {
        // A 224×224 photo is already a multiple of 32: extracting it directly and extracting it after
        // the importer's own preprocessing must agree exactly.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var photo = TestImages.Load(SampleImages.Content("storm"), 224, 224).ToTensor();
        var features = Network.Extract(photo, ["layer3"]);
        Assert.Equal(new long[] { 1, 256, 14, 14 }, features["layer3"].shape);

        // Different photos give clearly different deep features.
        var other = TestImages.Load(SampleImages.Content("raindrops"), 224, 224).ToTensor();
        var otherFeatures = Network.Extract(other, ["layer3"]);
        var relativeDifference = (features["layer3"] - otherFeatures["layer3"]).norm().item<float>() / features["layer3"].norm().item<float>();
        Assert.True(relativeDifference > 0.3, $"relative difference {relativeDifference}");
    }

    [Fact]
    public void Gradients_flow_to_the_input_and_not_to_the_weights()
    {
        using var scope = NewDisposeScope();
        var image = rand(1, 3, 64, 64, generator: new Generator(2)).requires_grad_();
        var features = Network.Extract(image, ["layer2"]);
        features["layer2"].square().mean().backward();

        Assert.NotNull(image.grad);
        Assert.True(image.grad!.abs().sum().item<float>() > 0);
        Assert.All(Network.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Repeated_extraction_leaks_no_tensors()
    {
        TensorLeaks.AssertNoLeak(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var image = rand(1, 3, 64, 96);
            _ = Network.Extract(image, ["stem", "layer1.0.conv1", "layer2", "layer4"]);
        });
    }

    [Fact]
    public void Unknown_tap_is_a_clear_error()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => Network.Extract(zeros(1, 3, 32, 32), ["layer9"]));
        Assert.Contains("layer9", error.Message);
        Assert.Contains("available", error.Message);
    }

    [Fact]
    public void Channel_means_come_from_the_preprocessing_graph()
    {
        var means = ResNetOnnxImporter.ChannelMeans(Neural.Onnx.OnnxGraph.Load(ResNetOnnxImporter.DefaultPreprocessPath));
        Assert.Equal(103.06f, means[0], 0.05f);
        Assert.Equal(115.90f, means[1], 0.05f);
        Assert.Equal(123.15f, means[2], 0.05f);
    }
}
