using OrleansStyle.Neural.FeedForward.Networks;
using static TorchSharp.torch;

namespace OrleansStyle.Bench.Onnx;

/// <summary>
/// Writes a <see cref="TransformerNet"/> as an ONNX graph for one style mixture: conditional instance norm with fixed
/// weights is a plain instance norm whose γ/β are the weighted sum of the style rows, so the graph needs only Pad
/// (reflect), Conv, InstanceNormalization, Relu, Add (residual blocks), Resize (nearest ×2) and Sigmoid. The layout
/// follows <see cref="TransformerNet.forward"/> and its state-dict names (conv1, in1, …, res.B.conv1, deconv1.conv,
/// deconv3). Input <c>image</c> [N, 3, H, W] in [0, 1] with H and W multiples of 4 (TransformerNet pads other sizes
/// first; the graph does not), output <c>stylised</c> of the same shape; N, H and W are symbolic.
/// </summary>
internal static class TransformerOnnxExporter
{
    public static byte[] Export(TransformerNet network, IReadOnlyList<float> mixture)
    {
        if (mixture.Count != network.Styles)
        {
            throw new ArgumentException($"The network has {network.Styles} style(s); the mixture weighs {mixture.Count}.", nameof(mixture));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = network.state_dict();
        var rows = tensor(mixture.ToArray()).unsqueeze(0);
        var graph = new OnnxGraphBuilder(network.Architecture.Name);

        string Norm(string input, string name) =>
            graph.InstanceNorm(
                input,
                name,
                rows.matmul(OnnxLayers.Weight(weights, $"{name}.weight")).squeeze(0),
                rows.matmul(OnnxLayers.Weight(weights, $"{name}.bias")).squeeze(0));

        var x = graph.Input("image", "N", "3", "H", "W");
        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv1"), "in1"));
        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv2", stride: 2), "in2"));
        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv3", stride: 2), "in3"));
        for (var b = 0; b < network.Architecture.ResidualBlocks; b++)
        {
            var hidden = graph.Relu(Norm(graph.ReflectConv(x, weights, $"res.{b}.conv1"), $"res.{b}.in1"));
            var residual = Norm(graph.ReflectConv(hidden, weights, $"res.{b}.conv2"), $"res.{b}.in2");
            x = graph.Node("Add", [residual, x]);
        }

        x = graph.Relu(Norm(graph.ReflectConv(graph.NearestUpsample(x), weights, "deconv1.conv"), "in4"));
        x = graph.Relu(Norm(graph.ReflectConv(graph.NearestUpsample(x), weights, "deconv2.conv"), "in5"));
        x = graph.Node("Sigmoid", [graph.ReflectConv(x, weights, "deconv3")]);
        graph.Output(graph.Identity(x, "stylised"), "N", "3", "H", "W");
        return graph.ToModel("OrleansStyle.Bench");
    }

    /// <summary>A one-hot mixture: trained style <paramref name="style"/> of <paramref name="styles"/>.</summary>
    public static float[] OneHot(int style, int styles)
    {
        var mixture = new float[styles];
        mixture[style] = 1f;
        return mixture;
    }
}
