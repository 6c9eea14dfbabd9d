using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// Reads the protobuf wire format: just enough to walk ONNX messages without a generated schema.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool End => _position >= _buffer.Length;

    /// <summary>Reads the next field key; returns false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (End)
        {
            field = 0;
            wireType = default;
            return false;
        }

        var key = ReadVarint();
        field = checked((int)(key >> 3));
        wireType = (WireType)(key & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw new InvalidDataException("Truncated protobuf varint.");
            }

            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("Malformed protobuf varint.");
    }

    public long ReadInt64() => (long)ReadVarint();

    public float ReadFixed32Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public ReadOnlySpan<byte> ReadLengthDelimited() => Take(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    public void Skip(WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(4);
                break;
            default:
                throw new InvalidDataException($"Unsupported protobuf wire type {wireType}.");
        }
    }

    /// <summary>Appends a repeated int64 field that may be packed or not.</summary>
    public void ReadInt64s(WireType wireType, List<long> into)
    {
        if (wireType != WireType.LengthDelimited)
        {
            into.Add(ReadInt64());
            return;
        }

        var packed = new ProtoReader(ReadLengthDelimited());
        while (!packed.End)
        {
            into.Add(packed.ReadInt64());
        }
    }

    /// <summary>Appends a repeated float field that may be packed or not.</summary>
    public void ReadFloats(WireType wireType, List<float> into)
    {
        if (wireType != WireType.LengthDelimited)
        {
            into.Add(ReadFixed32Float());
            return;
        }

        // Packed floats are little-endian IEEE 754, the layout of float on every platform .NET runs on.
        into.AddRange(MemoryMarshal.Cast<byte, float>(ReadLengthDelimited()));
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _buffer.Length)
        {
            throw new InvalidDataException("Truncated protobuf message.");
        }

        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}

internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}
