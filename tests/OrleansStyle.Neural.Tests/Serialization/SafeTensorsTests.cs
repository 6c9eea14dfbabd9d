using System.Buffers.Binary;
using System.Text;
using OrleansStyle.Neural.Serialization;

namespace OrleansStyle.Neural.Tests.Serialization;

public sealed class SafeTensorsTests
{
    [Fact]
    public void Round_trip_keeps_names_shapes_values_and_metadata()
    {
        var tensors = new[]
        {
            new SafeTensor("a.weight", [2, 3], [1, 2, 3, 4, 5, -6.5f]),
            new SafeTensor("b", [4], [0.25f, float.Epsilon, 1e30f, -0f]),
        };
        var metadata = new Dictionary<string, string> { ["kind"] = "test", ["version"] = "1" };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);

        var file = SafeTensors.Read(stream.ToArray());

        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(2, file.Tensors.Count);
        Assert.Equal(tensors[0].Shape, file.Tensors["a.weight"].Shape);
        Assert.Equal(tensors[0].Data, file.Tensors["a.weight"].Data);
        Assert.Equal(tensors[1].Data, file.Tensors["b"].Data);
        Assert.Equal(0UL, (BinaryPrimitives.ReadUInt64LittleEndian(stream.ToArray()) + 8) % 8);
    }

    [Fact]
    public void Reads_half_and_bfloat16()
    {
        var header = """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}""";
        var data = new byte[6];
        BinaryPrimitives.WriteHalfLittleEndian(data, (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(2), (Half)(-2f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(4), (ushort)(BitConverter.SingleToInt32Bits(3.0f) >> 16));

        var file = SafeTensors.Read(Build(header, data));

        Assert.Equal([1.5f, -2f], file.Tensors["h"].Data);
        Assert.Equal([3.0f], file.Tensors["b"].Data);
    }

    [Theory]
    [InlineData("", "shorter than")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "spans 4 bytes")]
    [InlineData("""{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", "unsupported dtype")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}""", "invalid shape or byte range")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "overlaps")]
    public void Malformed_files_are_rejected_with_the_reason(string header, string reason)
    {
        var bytes = header.Length == 0 ? new byte[3] : Build(header, new byte[8]);
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(bytes));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Header_length_beyond_the_file_is_rejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        Assert.Throws<InvalidDataException>(() => SafeTensors.Read(bytes));
    }

    private static byte[] Build(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }
}
