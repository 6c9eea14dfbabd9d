using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Onnx.Proto;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// The bundled ResNet18.onnx itself as an encoder graph: cut at a tap, with symbolic batch and size, and the
/// preprocessing <see cref="ResNet18Features"/> does in front (RGB in [0, 1] → BGR in [0, 255] minus the channel
/// means). Input <c>image</c> [N, 3, H, W] with H and W multiples of 32 (pad first, as the Torch encoder does);
/// output <c>features</c> [N, C, H/s, W/s].
/// </summary>
internal static class ResNetEncoderOnnxGraph
{
    public const string Image = "image";
    public const string Features = "features";

    public static ModelProto Export(string tap, string? modelPath = null, string? preprocessPath = null)
    {
        modelPath ??= ResNetOnnxImporter.DefaultModelPath;
        preprocessPath ??= ResNetOnnxImporter.DefaultPreprocessPath;
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        var graph = model.Graph;
        var tapValue = TapValue(OnnxGraph.Load(modelPath), tap);
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var dataInput = graph.Input.Select(i => i.Name).Single(name => !initializers.Contains(name));

        // Keep only the nodes the tap depends on.
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                producers[output] = node;
            }
        }

        var needed = new HashSet<NodeProto>();
        var pending = new Stack<string>([tapValue]);
        while (pending.TryPop(out var value))
        {
            if (producers.TryGetValue(value, out var node) && needed.Add(node))
            {
                foreach (var input in node.Input)
                {
                    pending.Push(input);
                }
            }
        }

        var kept = graph.Node.Where(needed.Contains).ToList();
        var used = kept.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var keptInitializers = graph.Initializer.Where(t => used.Contains(t.Name)).ToList();
        var keptInputs = graph.Input.Where(i => i.Name != dataInput && used.Contains(i.Name)).ToList();

        // RGB [0, 1] → BGR [0, 255] − mean, written to the graph's original input name.
        var means = ResNetOnnxImporter.ChannelMeans(OnnxGraph.Load(preprocessPath));
        var prelude = new OnnxGraphBuilder("prelude");
        var bgrOrder = prelude.Initializer("prelude.bgr", [2L, 1L, 0L], 3);
        var scale = prelude.Initializer("prelude.scale", [255f], 1);
        var mean = prelude.Initializer("prelude.mean", means, 1, 3, 1, 1);
        var bgr = prelude.Node("Gather", [Image, bgrOrder], OnnxGraphBuilder.Attribute("axis", 1L));
        var scaled = prelude.Node("Mul", [bgr, scale]);
        var preludeModel = prelude.ToModel("prelude");
        preludeModel.Graph.Node.Add(new NodeProto { Name = "prelude.centre", OpType = "Sub", Input = { scaled, mean }, Output = { dataInput } });

        graph.Node.Clear();
        graph.Node.AddRange(preludeModel.Graph.Node);
        graph.Node.AddRange(kept);
        graph.Initializer.Clear();
        graph.Initializer.AddRange(preludeModel.Graph.Initializer);
        graph.Initializer.AddRange(keptInitializers);
        graph.Input.Clear();
        graph.Input.Add(OnnxGraphBuilder.ValueInfo(Image, ["N", "3", "H", "W"]));
        graph.Input.AddRange(keptInputs);
        foreach (var initializer in preludeModel.Graph.Initializer.Where(_ => model.IrVersion < 4))
        {
            // Before IR version 4 every initializer must also be listed as an input.
            graph.Input.Add(OnnxGraphBuilder.ValueInfo(
                initializer.Name, [.. initializer.Dims.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))], initializer.DataType));
        }

        graph.ValueInfo.Clear(); // shapes recorded for the fixed 224 × 224 input
        graph.Node.Add(new NodeProto { Name = Features, OpType = "Identity", Input = { tapValue }, Output = { Features } });
        graph.Output.Clear();
        graph.Output.Add(OnnxGraphBuilder.ValueInfo(Features, ["N", "C", "h", "w"]));
        return model;
    }

    private static string TapValue(OnnxGraph graph, string tap)
    {
        var (network, names) = ResNetOnnxImporter.Import(graph, [0f, 0f, 0f]);
        network.Dispose();
        return names.TryGetValue(tap, out var value)
            ? value
            : throw new ArgumentException($"The ResNet-18 graph has no tap '{tap}': use one of {string.Join(", ", names.Keys)}.", nameof(tap));
    }
}
