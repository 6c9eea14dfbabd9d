using static OrleansStyle.Neural.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Onnx;

/// <summary>The neural layer's building blocks (ConvLayer, instance norm, nearest ×2 upsampling) as ONNX nodes.</summary>
internal static class OnnxLayers
{
    /// <summary>
    /// ConvLayer: reflection padding by kernel / 2, then the convolution with its bias; the weights are read from
    /// <c>{prefix}.conv2d.weight</c> and <c>.bias</c> of a state dict.
    /// </summary>
    public static string ReflectConv(this OnnxGraphBuilder graph, string input, IReadOnlyDictionary<string, Tensor> weights, string prefix, long stride = 1)
    {
        var weight = Weight(weights, $"{prefix}.conv2d.weight");
        var bias = Weight(weights, $"{prefix}.conv2d.bias");
        var kernel = weight.shape[2];
        var pad = kernel / 2;
        var pads = graph.Initializer($"{prefix}.pads", [0, 0, pad, pad, 0, 0, pad, pad], 8);
        var padded = graph.Node("Pad", [input, pads], Attribute("mode", "reflect"));
        return graph.Node(
            "Conv",
            [padded, graph.Initializer($"{prefix}.conv2d.weight", Values(weight), weight.shape), graph.Initializer($"{prefix}.conv2d.bias", Values(bias), bias.shape)],
            Attribute("kernel_shape", kernel, weight.shape[3]),
            Attribute("strides", stride, stride));
    }

    /// <summary>Instance normalisation with one γ/β row (ε = 1e-5, biased variance: what the neural layer computes).</summary>
    public static string InstanceNorm(this OnnxGraphBuilder graph, string input, string name, Tensor gamma, Tensor beta) =>
        graph.Node(
            "InstanceNormalization",
            [input, graph.Initializer($"{name}.gamma", Values(gamma), gamma.shape[0]), graph.Initializer($"{name}.beta", Values(beta), beta.shape[0])],
            Attribute("epsilon", 1e-5f));

    /// <summary>Nearest ×2 as PyTorch's <c>interpolate(mode: nearest)</c>: source index = floor(destination / 2).</summary>
    public static string NearestUpsample(this OnnxGraphBuilder graph, string input)
    {
        const string scales = "upsample.scales";
        if (!graph.HasInitializer(scales))
        {
            graph.Initializer(scales, [1f, 1f, 2f, 2f], 4);
        }

        return graph.Node(
            "Resize",
            [input, "", scales],
            Attribute("mode", "nearest"),
            Attribute("coordinate_transformation_mode", "asymmetric"),
            Attribute("nearest_mode", "floor"));
    }

    public static string Relu(this OnnxGraphBuilder graph, string input) => graph.Node("Relu", [input]);

    public static Tensor Weight(IReadOnlyDictionary<string, Tensor> weights, string name) =>
        weights.TryGetValue(name, out var weight)
            ? weight
            : throw new InvalidOperationException($"The network has no tensor '{name}': the exporter does not know this layout.");

    public static float[] Values(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.detach().cpu().to(float32).contiguous().data<float>().ToArray();
    }
}
