using OrleansStyle.Neural.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Features;

/// <summary>
/// Builds <see cref="ResNet18Features"/> from the CNTK-exported ResNet18.onnx by following the data flow
/// from each residual Add back to its convolutions, so the module mirrors the graph rather than assuming
/// torchvision's layout (this export has 2/2/2/3 blocks).
/// </summary>
public static class ResNetOnnxImporter
{
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "networks", "resnet18");

    public static string DefaultModelPath => Path.Combine(DefaultDirectory, "ResNet18.onnx");

    public static string DefaultPreprocessPath => Path.Combine(DefaultDirectory, "ResNetPreprocess.onnx");

    /// <summary>Loads the bundled network, frozen for use as a loss network or encoder.</summary>
    public static ResNet18Features LoadDefault() => Load(DefaultModelPath, DefaultPreprocessPath);

    public static ResNet18Features Load(string modelPath, string preprocessPath)
    {
        var (network, _) = Import(OnnxGraph.Load(modelPath), ChannelMeans(OnnxGraph.Load(preprocessPath)));
        return network;
    }

    /// <summary>The BGR channel means of the preprocessing graph's per-pixel mean image.</summary>
    public static float[] ChannelMeans(OnnxGraph preprocess)
    {
        var mean = preprocess.Initializers.Values.SingleOrDefault(t => t.Dims is [1, 3, _, _])
            ?? throw new InvalidDataException("The preprocessing graph has no [1,3,H,W] mean image.");
        var plane = checked((int)(mean.Dims[2] * mean.Dims[3]));
        return [.. Enumerable.Range(0, 3).Select(c => (float)mean.Data.AsSpan(c * plane, plane).ToArray().Average())];
    }

    /// <summary>
    /// Imports the graph; also returns, for each tap, the name of the ONNX value it corresponds to.
    /// </summary>
    public static (ResNet18Features Network, IReadOnlyDictionary<string, string> OnnxNames) Import(OnnxGraph graph, IReadOnlyList<float> bgrMean)
    {
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (var output in node.Outputs)
            {
                producers[output] = node;
            }
        }

        var consumers = graph.Nodes
            .SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node, StringComparer.Ordinal);

        var stemConv = graph.Nodes.First(n => n.OpType == "Conv");
        var stemNorm = Single(consumers[stemConv.Outputs[0]], "BatchNormalization");
        var stemRelu = Single(consumers[stemNorm.Outputs[0]], "Relu");
        var stemPool = Single(consumers[stemRelu.Outputs[0]], "MaxPool");
        ExpectPads(stemConv, [3, 3, 2, 2], [3, 3, 3, 3]);
        ExpectPads(stemPool, [1, 1, 0, 0], [1, 1, 1, 1]);

        var blocks = new List<BlockNodes>();
        var blockInput = stemPool.Outputs[0];
        foreach (var add in graph.Nodes.Where(n => n.OpType == "Add"))
        {
            var main = TraceMainPath(add, blockInput, producers);
            var shortcutValue = add.Inputs.Single(i => i != main.Norm2.Outputs[0]);
            (OnnxNode Conv, OnnxNode Norm)? downsample = null;
            if (shortcutValue != blockInput)
            {
                var norm = Producer(producers, shortcutValue, "BatchNormalization");
                var conv = Producer(producers, norm.Inputs[0], "Conv");
                Expect(conv.Inputs[0] == blockInput, $"shortcut of {add.Name} does not start at the block input");
                downsample = (conv, norm);
            }

            var outputRelu = Single(consumers[add.Outputs[0]], "Relu");
            blocks.Add(new BlockNodes(main.Conv1, main.Norm1, main.Relu1, main.Conv2, main.Norm2, downsample, outputRelu));
            blockInput = outputRelu.Outputs[0];
        }

        var blocksPerStage = new List<int>();
        foreach (var block in blocks)
        {
            if (blocksPerStage.Count == 0 || block.Downsample is not null)
            {
                blocksPerStage.Add(0);
            }

            blocksPerStage[^1]++;
        }

        var network = new ResNet18Features(blocksPerStage, bgrMean);
        var names = new Dictionary<string, string> { ["stem"] = stemRelu.Outputs[0] };
        using (no_grad())
        {
            CopyConv(graph, stemConv, network.StemConv);
            CopyNorm(graph, stemNorm, network.StemNorm);
            foreach (var ((path, module), nodes) in network.Blocks.Zip(blocks))
            {
                var layers = module.Layers;
                Expect(layers.Length == (nodes.Downsample is null ? 2 : 3), $"{path}: shortcut projection mismatch");
                CopyConv(graph, nodes.Conv1, layers[0].Conv);
                CopyNorm(graph, nodes.Norm1, layers[0].Norm);
                CopyConv(graph, nodes.Conv2, layers[1].Conv);
                CopyNorm(graph, nodes.Norm2, layers[1].Norm);
                if (nodes.Downsample is { } projection)
                {
                    CopyConv(graph, projection.Conv, layers[2].Conv);
                    CopyNorm(graph, projection.Norm, layers[2].Norm);
                }

                names[path + ".conv1"] = nodes.Relu1.Outputs[0];
                names[path] = nodes.OutputRelu.Outputs[0];
            }
        }

        for (var s = 0; s < blocksPerStage.Count; s++)
        {
            names[$"layer{s + 1}"] = names[$"layer{s + 1}.{blocksPerStage[s] - 1}"];
        }

        network.Freeze();

        // The network outlives whatever dispose scope its loader was called in (a cached loss network is often first
        // asked for inside a render's or a test's scope): its weights and buffers must not be disposed with that scope.
        foreach (var (_, state) in network.state_dict())
        {
            state.DetachFromDisposeScope();
        }

        return (network, names);
    }

    private static (OnnxNode Conv1, OnnxNode Norm1, OnnxNode Relu1, OnnxNode Conv2, OnnxNode Norm2) TraceMainPath(
        OnnxNode add, string blockInput, Dictionary<string, OnnxNode> producers)
    {
        // The main path is the Add input whose chain BN ← Conv ← ReLU ← BN ← Conv reaches the block input.
        foreach (var candidate in add.Inputs)
        {
            if (!producers.TryGetValue(candidate, out var norm2) || norm2.OpType != "BatchNormalization")
            {
                continue;
            }

            var conv2 = Producer(producers, norm2.Inputs[0], "Conv");
            if (!producers.TryGetValue(conv2.Inputs[0], out var relu1) || relu1.OpType != "Relu")
            {
                continue;
            }

            var norm1 = Producer(producers, relu1.Inputs[0], "BatchNormalization");
            var conv1 = Producer(producers, norm1.Inputs[0], "Conv");
            if (conv1.Inputs[0] == blockInput)
            {
                var stride = conv1.Ints("strides", [1, 1])[0];
                if (stride == 2)
                {
                    ExpectPads(conv1, [1, 1, 0, 0], [1, 1, 1, 1]);
                }

                return (conv1, norm1, relu1, conv2, norm2);
            }
        }

        throw new InvalidDataException($"Residual node {add.Name} does not have the basic-block structure.");
    }

    private static void CopyConv(OnnxGraph graph, OnnxNode node, Conv2d target)
    {
        Expect(node.Inputs.Count == 2, $"{node.Name}: convolutions with a bias are not expected in this export");
        CopyInto(graph, node.Inputs[1], target.weight!);
    }

    private static void CopyNorm(OnnxGraph graph, OnnxNode node, BatchNorm2d target)
    {
        Expect(Math.Abs(node.Float("epsilon", 1e-5f) - 1e-5f) < 1e-9f, $"{node.Name}: unexpected BatchNorm epsilon");
        CopyInto(graph, node.Inputs[1], target.weight!);
        CopyInto(graph, node.Inputs[2], target.bias!);
        CopyInto(graph, node.Inputs[3], target.running_mean!);
        CopyInto(graph, node.Inputs[4], target.running_var!);
    }

    private static void CopyInto(OnnxGraph graph, string initializer, Tensor target)
    {
        if (!graph.Initializers.TryGetValue(initializer, out var source))
        {
            throw new InvalidDataException($"Initialiser '{initializer}' is missing from the graph.");
        }

        Expect(source.Dims.SequenceEqual(target.shape), $"'{initializer}' has shape [{string.Join(',', source.Dims)}], expected [{string.Join(',', target.shape)}]");
        using var values = tensor(source.Data, source.Dims);
        target.copy_(values);
    }

    private static void ExpectPads(OnnxNode node, long[] cntkPads, long[] symmetricPads)
    {
        var pads = node.Ints("pads", [0, 0, 0, 0]);
        Expect(pads.SequenceEqual(cntkPads) || pads.SequenceEqual(symmetricPads),
            $"{node.Name}: pads [{string.Join(',', pads)}] are neither CNTK's [{string.Join(',', cntkPads)}] nor symmetric");
    }

    private static OnnxNode Producer(Dictionary<string, OnnxNode> producers, string value, string opType)
    {
        if (!producers.TryGetValue(value, out var node) || node.OpType != opType)
        {
            throw new InvalidDataException($"Expected '{value}' to be produced by {opType}.");
        }

        return node;
    }

    private static OnnxNode Single(IEnumerable<OnnxNode> nodes, string opType) =>
        nodes.SingleOrDefault(n => n.OpType == opType)
        ?? throw new InvalidDataException($"Expected exactly one {opType} consumer in the stem.");

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException($"Unexpected ResNet graph: {message}.");
        }
    }

    private sealed record BlockNodes(
        OnnxNode Conv1,
        OnnxNode Norm1,
        OnnxNode Relu1,
        OnnxNode Conv2,
        OnnxNode Norm2,
        (OnnxNode Conv, OnnxNode Norm)? Downsample,
        OnnxNode OutputRelu);
}
