using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansStyle.Neural.Serialization;

/// <summary>One tensor of a safetensors file, widened to float32.</summary>
public sealed record SafeTensor(string Name, long[] Shape, float[] Data);

/// <summary>The tensors and string metadata of a safetensors file.</summary>
public sealed record SafeTensorsFile(IReadOnlyDictionary<string, SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Reads F32, F16 and BF16; writes F32.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    public static SafeTensorsFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Weights file not found: {path}.", path);
        }

        return Read(File.ReadAllBytes(path), path);
    }

    public static SafeTensorsFile Read(ReadOnlySpan<byte> file, string source = "safetensors data")
    {
        if (file.Length < 8)
        {
            throw Malformed(source, "shorter than its 8-byte header length");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes || (long)headerLength > file.Length - 8)
        {
            throw Malformed(source, $"header length {headerLength} does not fit the {file.Length}-byte file");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(file.Slice(8, (int)headerLength)) as JsonObject
                ?? throw Malformed(source, "the header is not a JSON object");
        }
        catch (JsonException ex)
        {
            throw Malformed(source, $"the header is not valid JSON ({ex.Message})");
        }

        var data = file[(8 + (int)headerLength)..];
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (key, value) in node as JsonObject ?? throw Malformed(source, "__metadata__ is not an object"))
                {
                    metadata[key] = value?.GetValue<string>() ?? throw Malformed(source, $"metadata '{key}' is not a string");
                }

                continue;
            }

            var entry = node as JsonObject ?? throw Malformed(source, $"entry '{name}' is not an object");
            var dtype = entry["dtype"]?.GetValue<string>() ?? throw Malformed(source, $"'{name}' has no dtype");
            var shape = (entry["shape"] as JsonArray ?? throw Malformed(source, $"'{name}' has no shape"))
                .Select(d => d?.GetValue<long>() ?? -1).ToArray();
            var offsets = (entry["data_offsets"] as JsonArray ?? throw Malformed(source, $"'{name}' has no data_offsets"))
                .Select(d => d?.GetValue<long>() ?? -1).ToArray();
            if (shape.Any(d => d < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
            {
                throw Malformed(source, $"'{name}' has an invalid shape or byte range");
            }

            var count = shape.Aggregate(1L, (a, b) => checked(a * b));
            var width = ElementSize(dtype) ?? throw Malformed(source, $"'{name}' has unsupported dtype {dtype} (F32, F16 and BF16 are read)");
            if (count * width != offsets[1] - offsets[0])
            {
                throw Malformed(source, $"'{name}' is [{string.Join(',', shape)}] {dtype} but spans {offsets[1] - offsets[0]} bytes");
            }

            ranges.Add((offsets[0], offsets[1], name));
            tensors[name] = new SafeTensor(name, shape, Widen(dtype, data[(int)offsets[0]..(int)offsets[1]]));
        }

        ranges.Sort();
        for (var i = 1; i < ranges.Count; i++)
        {
            if (ranges[i].Begin < ranges[i - 1].End)
            {
                throw Malformed(source, $"'{ranges[i].Name}' overlaps '{ranges[i - 1].Name}'");
            }
        }

        return new SafeTensorsFile(tensors, metadata);
    }

    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = File.Create(path);
        Write(stream, tensors, metadata);
    }

    public static void Write(Stream stream, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        }

        long offset = 0;
        foreach (var tensor in ordered)
        {
            var bytes = (long)tensor.Data.Length * sizeof(float);
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray([.. tensor.Shape.Select(d => (JsonNode?)JsonValue.Create(d))]),
                ["data_offsets"] = new JsonArray(JsonValue.Create(offset), JsonValue.Create(offset + bytes)),
            };
            offset += bytes;
        }

        // Pad the header with spaces to 8 bytes so the data that follows stays aligned.
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (var i = json.Length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }

        foreach (var tensor in ordered)
        {
            stream.Write(MemoryMarshal.AsBytes(tensor.Data.AsSpan()));
        }
    }

    private static int? ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "F16" or "BF16" => 2,
        _ => null,
    };

    private static float[] Widen(string dtype, ReadOnlySpan<byte> bytes)
    {
        switch (dtype)
        {
            case "F32":
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case "F16":
                var halves = MemoryMarshal.Cast<byte, Half>(bytes);
                var fromHalf = new float[halves.Length];
                for (var i = 0; i < halves.Length; i++)
                {
                    fromHalf[i] = (float)halves[i];
                }

                return fromHalf;
            default:
                // bfloat16 is the upper half of a float32.
                var raw = MemoryMarshal.Cast<byte, ushort>(bytes);
                var fromBf16 = new float[raw.Length];
                for (var i = 0; i < raw.Length; i++)
                {
                    fromBf16[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                }

                return fromBf16;
        }
    }

    private static InvalidDataException Malformed(string source, string reason) =>
        new($"{source} is not a valid safetensors file: {reason}.");
}
