using System.Globalization;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Onnx.Proto;
using static OrleansStyle.Neural.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// Writes a <see cref="TransformerNet"/> as an ONNX graph that takes what the Torch network takes, so ONNX Runtime
/// renders the same numbers: the layout follows <see cref="TransformerNet.forward"/> and its state-dict names (conv1,
/// in1, …, res.B.conv1, deconv1.conv, deconv3); each conditional instance norm mixes its γ/β rows from a graph input.
/// <list type="bullet">
/// <item><c>image</c> [N, 3, H, W] in [0, 1], H and W multiples of 4 (TransformerNet pads other sizes first; the graph does not).</item>
/// <item><c>styles</c> [N, S] mixture weights per sample, or with <see cref="TransformerGraphKind.Spatial"/> <c>style_maps</c>
/// [N, S, H, W] per pixel (area-averaged to each layer's resolution, as <see cref="StyleCondition"/> does).</item>
/// <item>With <see cref="TransformerGraphKind.FrozenStatistics"/>, <c>mean_i</c> and <c>std_i</c> [N, C, 1, 1] for every
/// normalisation point i (<see cref="NormStatistics"/>): tiles normalise with the picture's statistics, not their own.</item>
/// </list>
/// Output <c>stylised</c> [N, 3, H, W]; N, H and W are symbolic.
/// </summary>
internal static class TransformerOnnxExporter
{
    public const string Image = "image";
    public const string Styles = "styles";
    public const string StyleMaps = "style_maps";
    public const string Output = "stylised";

    public static string Mean(int point) => string.Create(CultureInfo.InvariantCulture, $"mean_{point}");

    public static string Std(int point) => string.Create(CultureInfo.InvariantCulture, $"std_{point}");

    public static ModelProto Export(TransformerNet network, TransformerGraphKind kind, string producer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = network.state_dict();
        var graph = new OnnxGraphBuilder(network.Architecture.Name);
        var spatial = kind.HasFlag(TransformerGraphKind.Spatial);
        var frozen = kind.HasFlag(TransformerGraphKind.FrozenStatistics);
        var styles = network.Styles.ToString(CultureInfo.InvariantCulture);
        var x = graph.Input(Image, "N", "3", "H", "W");
        var condition = spatial ? graph.Input(StyleMaps, "N", styles, "H", "W") : graph.Input(Styles, "N", styles);
        var norms = network.Norms;
        if (frozen)
        {
            foreach (var norm in norms)
            {
                var channels = norm.Channels.ToString(CultureInfo.InvariantCulture);
                graph.Input(Mean(norm.Index), "N", channels, "1", "1");
                graph.Input(Std(norm.Index), "N", channels, "1", "1");
            }
        }

        var pooled = new Dictionary<long, string> { [1] = condition };
        var normIndex = 0;

        // One conditional instance norm: γ/β mixed from the condition, statistics own or frozen.
        string Norm(string input, string name, long factor)
        {
            var norm = norms[normIndex++];
            var (gamma, beta) = spatial
                ? SpatialAffine(graph, weights, name, Pooled(factor))
                : GlobalAffine(graph, weights, name, condition);
            if (frozen)
            {
                var scale = graph.Node("Div", [gamma, Std(norm.Index)]);
                var shift = graph.Node("Sub", [beta, graph.Node("Mul", [Mean(norm.Index), scale])]);
                return graph.Node("Add", [graph.Node("Mul", [input, scale]), shift]);
            }

            var ones = graph.Initializer($"{name}.ones", [.. Enumerable.Repeat(1f, (int)norm.Channels)], norm.Channels);
            var zeros = graph.Initializer($"{name}.zeros", new float[norm.Channels], norm.Channels);
            var normalised = graph.Node("InstanceNormalization", [input, ones, zeros], Attribute("epsilon", 1e-5f));
            return graph.Node("Add", [graph.Node("Mul", [normalised, gamma]), beta]);
        }

        // The condition at 1/factor of the input's resolution (area averaging: exact, as H and W are multiples of 4).
        string Pooled(long factor)
        {
            if (!pooled.TryGetValue(factor, out var maps))
            {
                pooled[factor] = maps = graph.Node("AveragePool", [condition], Attribute("kernel_shape", factor, factor), Attribute("strides", factor, factor));
            }

            return maps;
        }

        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv1"), "in1", 1));
        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv2", stride: 2), "in2", 2));
        x = graph.Relu(Norm(graph.ReflectConv(x, weights, "conv3", stride: 2), "in3", 4));
        for (var b = 0; b < network.Architecture.ResidualBlocks; b++)
        {
            var hidden = graph.Relu(Norm(graph.ReflectConv(x, weights, $"res.{b}.conv1"), $"res.{b}.in1", 4));
            var residual = Norm(graph.ReflectConv(hidden, weights, $"res.{b}.conv2"), $"res.{b}.in2", 4);
            x = graph.Node("Add", [residual, x]);
        }

        x = graph.Relu(Norm(graph.ReflectConv(graph.NearestUpsample(x), weights, "deconv1.conv"), "in4", 2));
        x = graph.Relu(Norm(graph.ReflectConv(graph.NearestUpsample(x), weights, "deconv2.conv"), "in5", 1));
        x = graph.Node("Sigmoid", [graph.ReflectConv(x, weights, "deconv3")]);
        graph.Output(graph.Identity(x, Output), "N", "3", "H", "W");
        return graph.ToModel(producer, new Dictionary<string, string> { ["graph"] = kind.ToString() });
    }

    /// <summary>γ and β [N, C, 1, 1] = weights [N, S] · rows [S, C].</summary>
    private static (string Gamma, string Beta) GlobalAffine(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> weights, string name, string condition)
    {
        const string axes = "affine.axes";
        if (!graph.HasInitializer(axes))
        {
            graph.Initializer(axes, [2L, 3L], 2);
        }

        string Rows(string parameter)
        {
            var rows = OnnxLayers.Weight(weights, $"{name}.{parameter}");
            var initializer = graph.Initializer($"{name}.{parameter}", OnnxLayers.Values(rows), rows.shape);
            return graph.Node("Unsqueeze", [graph.Node("MatMul", [condition, initializer]), axes]);
        }

        return (Rows("weight"), Rows("bias"));
    }

    /// <summary>γ and β [N, C, h, w] per pixel: a 1×1 convolution of the maps [N, S, h, w] with the rows as its kernel [C, S, 1, 1].</summary>
    private static (string Gamma, string Beta) SpatialAffine(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> weights, string name, string maps)
    {
        string Rows(string parameter)
        {
            using var kernel = OnnxLayers.Weight(weights, $"{name}.{parameter}").t().contiguous().unsqueeze(-1).unsqueeze(-1);
            var initializer = graph.Initializer($"{name}.{parameter}.kernel", OnnxLayers.Values(kernel), kernel.shape);
            return graph.Node("Conv", [maps, initializer], Attribute("kernel_shape", 1L, 1L));
        }

        return (Rows("weight"), Rows("bias"));
    }
}

/// <summary>Which inputs a transformer graph takes (see <see cref="TransformerOnnxExporter"/>).</summary>
[Flags]
internal enum TransformerGraphKind
{
    /// <summary>Per-sample style weights, each sample normalised with its own statistics: the graph users get.</summary>
    Global = 0,

    /// <summary>Per-pixel style weight maps (regions).</summary>
    Spatial = 1,

    /// <summary>Frozen normalisation statistics as inputs (farm tiles).</summary>
    FrozenStatistics = 2,
}
