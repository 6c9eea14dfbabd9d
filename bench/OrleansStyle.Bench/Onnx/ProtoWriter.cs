using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansStyle.Bench.Onnx;

/// <summary>
/// Writes the protobuf wire format, just enough for ONNX messages (the counterpart of the neural layer's
/// ProtoReader): varints, little-endian fixed32 floats and length-delimited bytes, strings and nested messages.
/// </summary>
internal sealed class ProtoWriter
{
    private const int VarintType = 0;
    private const int LengthDelimitedType = 2;
    private const int Fixed32Type = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>An int64/int32/enum/bool field; negative values take ten bytes (two's complement), as protobuf says.</summary>
    public ProtoWriter Varint(int field, long value)
    {
        Key(field, VarintType);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        Key(field, Fixed32Type);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimitedType);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    /// <summary>Raw little-endian values (TensorProto.raw_data).</summary>
    public ProtoWriter Raw<T>(int field, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; this writer copies memory as it is.");
        }

        return Bytes(field, MemoryMarshal.AsBytes(values));
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void Key(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            _buffer.GetSpan(1)[0] = value == 0 ? b : (byte)(b | 0x80);
            _buffer.Advance(1);
        }
        while (value != 0);
    }
}
