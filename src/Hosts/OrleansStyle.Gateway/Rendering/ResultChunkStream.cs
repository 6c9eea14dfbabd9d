using System.Threading.Channels;
using Google.Protobuf;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// A write-only stream that cuts the encoded result into <see cref="ResultChunk"/>s for the response stream. The
/// mosaic assembler writes synchronously from the farm's watch loop; a full channel blocks that one loop, so a slow
/// client holds back the mosaic instead of the gateway buffering the whole image.
/// </summary>
internal sealed class ResultChunkStream(ChannelWriter<RenderEvent> events, int chunkBytes, CancellationToken cancellationToken) : Stream
{
    private readonly byte[] _buffer = new byte[chunkBytes];
    private int _filled;
    private long _sent;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _sent + _filled;

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(buffer.Length, _buffer.Length - _filled);
            buffer[..take].CopyTo(_buffer.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _buffer.Length)
            {
                Emit();
            }
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Nothing: chunks stay full-sized until <see cref="Complete"/> sends the last one.</summary>
    public override void Flush()
    {
    }

    /// <summary>Sends what is left; call once the encoder is done.</summary>
    public void Complete() => Emit();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Emit()
    {
        if (_filled == 0)
        {
            return;
        }

        var item = new RenderEvent { Result = new ResultChunk { Offset = _sent, Data = ByteString.CopyFrom(_buffer, 0, _filled) } };
        _sent += _filled;
        _filled = 0;
        if (!events.TryWrite(item))
        {
            events.WriteAsync(item, cancellationToken).AsTask().GetAwaiter().GetResult();
        }
    }
}
