using System.Globalization;

namespace OrleansStyle.Bench.Onnx;

/// <summary>
/// Builds an ONNX ModelProto (opset 13, IR version 8) node by node, writing the protobuf messages directly:
/// GraphProto { node = 1, name = 2, initializer = 5, input = 11, output = 12 }, NodeProto { input = 1, output = 2,
/// name = 3, op_type = 4, attribute = 5 }, TensorProto { dims = 1, data_type = 2, name = 8, raw_data = 9 } and
/// ValueInfoProto { name = 1, type = 2 → TypeProto.tensor_type = 1 { elem_type = 1, shape = 2 } }.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    public const long Opset = 13;

    private const long IrVersion = 8;
    private const int FloatType = 1;
    private const int Int64Type = 7;

    private readonly ProtoWriter _graph = new ProtoWriter().String(2, name);
    private readonly HashSet<string> _initializers = [];
    private int _nodes;

    /// <summary>A float graph input; each dimension is a number or a symbolic name (e.g. "N").</summary>
    public string Input(string inputName, params string[] dims)
    {
        _graph.Message(11, ValueInfo(inputName, dims));
        return inputName;
    }

    public void Output(string outputName, params string[] dims) => _graph.Message(12, ValueInfo(outputName, dims));

    public bool HasInitializer(string tensorName) => _initializers.Contains(tensorName);

    public string Initializer(string tensorName, ReadOnlySpan<float> values, params long[] dims)
    {
        Register(tensorName);
        _graph.Message(5, TensorHeader(tensorName, FloatType, dims).Raw(9, values));
        return tensorName;
    }

    public string Initializer(string tensorName, ReadOnlySpan<long> values, params long[] dims)
    {
        Register(tensorName);
        _graph.Message(5, TensorHeader(tensorName, Int64Type, dims).Raw(9, values));
        return tensorName;
    }

    /// <summary>Adds a node with one output and returns the output's name. An empty input name skips an optional input.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params ProtoWriter[] attributes)
    {
        var output = string.Create(CultureInfo.InvariantCulture, $"{opType.ToLowerInvariant()}_{_nodes++}");
        var node = new ProtoWriter();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output).String(3, output).String(4, opType);
        foreach (var attribute in attributes)
        {
            node.Message(5, attribute);
        }

        _graph.Message(1, node);
        return output;
    }

    /// <summary>Renames the last value to a graph output name with an Identity node.</summary>
    public string Identity(string input, string outputName)
    {
        var node = new ProtoWriter().String(1, input).String(2, outputName).String(3, outputName).String(4, "Identity");
        _graph.Message(1, node);
        return outputName;
    }

    // AttributeProto { name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20 } with AttributeType FLOAT = 1, INT = 2, STRING = 3, INTS = 7.
    public static ProtoWriter Attribute(string attributeName, float value) => new ProtoWriter().String(1, attributeName).Float(2, value).Varint(20, 1);

    public static ProtoWriter Attribute(string attributeName, string value) => new ProtoWriter().String(1, attributeName).String(4, value).Varint(20, 3);

    public static ProtoWriter Attribute(string attributeName, params long[] values)
    {
        var attribute = new ProtoWriter().String(1, attributeName);
        foreach (var value in values)
        {
            attribute.Varint(8, value);
        }

        return attribute.Varint(20, 7);
    }

    /// <summary>ModelProto { ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { domain = 1, version = 2 } }.</summary>
    public byte[] ToModel(string producer) =>
        new ProtoWriter()
            .Varint(1, IrVersion)
            .String(2, producer)
            .Message(7, _graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, Opset))
            .ToArray();

    private void Register(string tensorName)
    {
        if (!_initializers.Add(tensorName))
        {
            throw new InvalidOperationException($"The graph already has an initializer '{tensorName}'.");
        }
    }

    private static ProtoWriter TensorHeader(string tensorName, int dataType, long[] dims)
    {
        var tensor = new ProtoWriter();
        foreach (var dim in dims)
        {
            tensor.Varint(1, dim);
        }

        return tensor.Varint(2, dataType).String(8, tensorName);
    }

    private static ProtoWriter ValueInfo(string valueName, string[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var dim in dims)
        {
            shape.Message(1, long.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? new ProtoWriter().Varint(1, size)
                : new ProtoWriter().String(2, dim));
        }

        var tensorType = new ProtoWriter().Varint(1, FloatType).Message(2, shape);
        return new ProtoWriter().String(1, valueName).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
