using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using OrleansStyle.Neural.Onnx.Proto;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// Builds an ONNX model (opset 13, IR version 8) node by node with the classes generated from <c>onnx.proto</c>.
/// Node outputs are named <c>{op}_{n}</c>; graph inputs and outputs take the names given.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    public const long Opset = 13;

    private const long IrVersion = 8;

    private readonly GraphProto _graph = new() { Name = name };
    private readonly HashSet<string> _initializers = [];
    private int _nodes;

    /// <summary>A float graph input; each dimension is a number or a symbolic name (e.g. "N").</summary>
    public string Input(string inputName, params string[] dims)
    {
        _graph.Input.Add(ValueInfo(inputName, dims));
        return inputName;
    }

    public void Output(string outputName, params string[] dims) => _graph.Output.Add(ValueInfo(outputName, dims));

    public bool HasInitializer(string tensorName) => _initializers.Contains(tensorName);

    public string Initializer(string tensorName, ReadOnlySpan<float> values, params long[] dims) =>
        Initializer(tensorName, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    public string Initializer(string tensorName, ReadOnlySpan<long> values, params long[] dims) =>
        Initializer(tensorName, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>Adds a node with one output and returns the output's name. An empty input name skips an optional input.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        var output = string.Create(CultureInfo.InvariantCulture, $"{opType.ToLowerInvariant()}_{_nodes++}");
        var node = new NodeProto { Name = output, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Renames the last value to a graph output name with an Identity node.</summary>
    public string Identity(string input, string outputName)
    {
        _graph.Node.Add(new NodeProto { Name = outputName, OpType = "Identity", Input = { input }, Output = { outputName } });
        return outputName;
    }

    public static AttributeProto Attribute(string attributeName, float value) =>
        new() { Name = attributeName, F = value, Type = AttributeProto.Types.AttributeType.Float };

    public static AttributeProto Attribute(string attributeName, long value) =>
        new() { Name = attributeName, I = value, Type = AttributeProto.Types.AttributeType.Int };

    public static AttributeProto Attribute(string attributeName, string value) =>
        new() { Name = attributeName, S = ByteString.CopyFromUtf8(value), Type = AttributeProto.Types.AttributeType.String };

    public static AttributeProto Attribute(string attributeName, params long[] values) =>
        new() { Name = attributeName, Ints = { values }, Type = AttributeProto.Types.AttributeType.Ints };

    public ModelProto ToModel(string producer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = producer,
            Graph = _graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    /// <summary>A tensor's name, element type (float unless given) and dimensions, numeric or symbolic.</summary>
    public static ValueInfoProto ValueInfo(string valueName, IReadOnlyList<string> dims, int elementType = (int)TensorProto.Types.DataType.Float)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(long.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                ? new TensorShapeProto.Types.Dimension { DimValue = size }
                : new TensorShapeProto.Types.Dimension { DimParam = dim });
        }

        return new ValueInfoProto
        {
            Name = valueName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }

    private string Initializer(string tensorName, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, long[] dims)
    {
        if (!_initializers.Add(tensorName))
        {
            throw new InvalidOperationException($"The graph already has an initializer '{tensorName}'.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; this builder copies memory as it is.");
        }

        _graph.Initializer.Add(new TensorProto { Name = tensorName, DataType = (int)type, Dims = { dims }, RawData = ByteString.CopyFrom(raw) });
        return tensorName;
    }
}
