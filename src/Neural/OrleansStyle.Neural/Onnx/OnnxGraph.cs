using System.Runtime.InteropServices;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// The parts of an ONNX model the importers need: nodes with attributes, and float initialisers.
/// Field numbers follow onnx.proto (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5,
/// input = 11, output = 12; NodeProto.input = 1, output = 2, name = 3, op_type = 4, attribute = 5).
/// </summary>
public sealed class OnnxGraph
{
    private OnnxGraph(
        IReadOnlyList<OnnxNode> nodes,
        IReadOnlyDictionary<string, OnnxTensor> initializers,
        IReadOnlyList<string> inputs,
        IReadOnlyList<string> outputs)
    {
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Graph inputs that are not initialisers (the real data inputs).</summary>
    public IReadOnlyList<string> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    public static OnnxGraph Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ONNX model not found at {path}.", path);
        }

        return Parse(File.ReadAllBytes(path));
    }

    public static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var reader = new ProtoReader(model);
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var sawGraph = false;
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 7 && wire == WireType.LengthDelimited)
            {
                // Repeated occurrences of an embedded message merge, as protobuf specifies.
                ReadGraph(reader.ReadLengthDelimited(), nodes, initializers, inputs, outputs);
                sawGraph = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (!sawGraph)
        {
            throw new InvalidDataException("The file is not an ONNX model: it has no graph.");
        }

        inputs.RemoveAll(initializers.ContainsKey);
        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private static void ReadGraph(
        ReadOnlySpan<byte> graph,
        List<OnnxNode> nodes,
        Dictionary<string, OnnxTensor> initializers,
        List<string> inputs,
        List<string> outputs)
    {
        var reader = new ProtoReader(graph);
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    nodes.Add(ReadNode(reader.ReadLengthDelimited()));
                    break;
                case 5:
                    var tensor = OnnxTensor.Parse(reader.ReadLengthDelimited());
                    initializers[tensor.Name] = tensor;
                    break;
                case 11:
                    inputs.Add(ReadValueInfoName(reader.ReadLengthDelimited()));
                    break;
                case 12:
                    outputs.Add(ReadValueInfoName(reader.ReadLengthDelimited()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> node)
    {
        var reader = new ProtoReader(node);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", opType = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    inputs.Add(reader.ReadString());
                    break;
                case 2:
                    outputs.Add(reader.ReadString());
                    break;
                case 3:
                    name = reader.ReadString();
                    break;
                case 4:
                    opType = reader.ReadString();
                    break;
                case 5:
                    var attribute = OnnxAttribute.Parse(reader.ReadLengthDelimited());
                    attributes[attribute.Name] = attribute;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxNode(name, opType, inputs, outputs, attributes);
    }

    private static string ReadValueInfoName(ReadOnlySpan<byte> valueInfo)
    {
        var reader = new ProtoReader(valueInfo);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1)
            {
                return reader.ReadString();
            }

            reader.Skip(wire);
        }

        return "";
    }
}

public sealed record OnnxNode(
    string Name,
    string OpType,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs,
    IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    public IReadOnlyList<long> Ints(string attribute, IReadOnlyList<long> fallback) =>
        Attributes.TryGetValue(attribute, out var value) ? value.Ints : fallback;

    public float Float(string attribute, float fallback) =>
        Attributes.TryGetValue(attribute, out var value) && value.Float is { } f ? f : fallback;

    public long Int(string attribute, long fallback) =>
        Attributes.TryGetValue(attribute, out var value) && value.Int is { } i ? i : fallback;
}

/// <summary>AttributeProto: name = 1, f = 2, i = 3, floats = 7, ints = 8.</summary>
public sealed record OnnxAttribute(string Name, float? Float, long? Int, IReadOnlyList<float> Floats, IReadOnlyList<long> Ints)
{
    internal static OnnxAttribute Parse(ReadOnlySpan<byte> attribute)
    {
        var reader = new ProtoReader(attribute);
        string name = "";
        float? f = null;
        long? i = null;
        var floats = new List<float>();
        var ints = new List<long>();
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    name = reader.ReadString();
                    break;
                case 2:
                    f = reader.ReadFixed32Float();
                    break;
                case 3:
                    i = reader.ReadInt64();
                    break;
                case 7:
                    reader.ReadFloats(wire, floats);
                    break;
                case 8:
                    reader.ReadInt64s(wire, ints);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxAttribute(name, f, i, floats, ints);
    }
}

/// <summary>TensorProto: dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9. Only FLOAT (1) is read.</summary>
public sealed record OnnxTensor(string Name, long[] Dims, float[] Data)
{
    private const int FloatType = 1;

    internal static OnnxTensor Parse(ReadOnlySpan<byte> tensor)
    {
        var reader = new ProtoReader(tensor);
        var dims = new List<long>();
        var data = new List<float>();
        float[]? raw = null;
        var dataType = FloatType;
        var name = "";
        while (reader.TryReadTag(out var field, out var wire))
        {
            switch (field)
            {
                case 1:
                    reader.ReadInt64s(wire, dims);
                    break;
                case 2:
                    dataType = (int)reader.ReadVarint();
                    break;
                case 4:
                    reader.ReadFloats(wire, data);
                    break;
                case 8:
                    name = reader.ReadString();
                    break;
                case 9:
                    raw = MemoryMarshal.Cast<byte, float>(reader.ReadLengthDelimited()).ToArray();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (dataType != FloatType)
        {
            // Non-float initialisers (shapes, indices) are not needed by the importers.
            return new OnnxTensor(name, [.. dims], []);
        }

        var values = raw ?? [.. data];
        var expected = dims.Aggregate(1L, (a, b) => a * b);
        if (values.Length != expected)
        {
            throw new InvalidDataException($"Initialiser '{name}' has {values.Length} values for shape [{string.Join(',', dims)}].");
        }

        return new OnnxTensor(name, [.. dims], values);
    }
}
