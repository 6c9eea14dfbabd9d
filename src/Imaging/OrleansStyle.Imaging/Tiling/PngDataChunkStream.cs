using System.Buffers.Binary;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// The write-only stream the zlib compressor of <see cref="PngStreamWriter"/> writes into: it cuts the compressed
/// bytes into IDAT chunks of a fixed size, each with its length and CRC, so the encoder never has to know how large
/// the compressed image will be and holds only one chunk at a time.
/// </summary>
internal sealed class PngDataChunkStream : Stream
{
    private static ReadOnlySpan<byte> DataChunkType => "IDAT"u8;

    private readonly Stream destination;
    private readonly byte[] buffer;
    private int buffered;

    public PngDataChunkStream(Stream destination, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        this.destination = destination;
        buffer = new byte[chunkSize];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes one chunk of any type: length, type, data, CRC of type and data.</summary>
    public static void WriteChunk(Stream destination, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        type.CopyTo(header[4..]);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, PngCrc32.Update(PngCrc32.Compute(type), data));
        destination.Write(header);
        destination.Write(data);
        destination.Write(crc);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var taken = Math.Min(buffer.Length, this.buffer.Length - buffered);
            buffer[..taken].CopyTo(this.buffer.AsSpan(buffered));
            buffered += taken;
            buffer = buffer[taken..];
            if (buffered == this.buffer.Length)
            {
                EmitChunk();
            }
        }
    }

    /// <summary>Writes whatever is buffered as the last, possibly shorter, IDAT chunk.</summary>
    public void Finish()
    {
        if (buffered > 0)
        {
            EmitChunk();
        }
    }

    /// <summary>Deliberately does not cut a chunk: the compressor may flush often, and tiny chunks only waste bytes.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void EmitChunk()
    {
        WriteChunk(destination, DataChunkType, buffer.AsSpan(0, buffered));
        buffered = 0;
    }
}
