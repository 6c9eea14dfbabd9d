using System.Threading.Channels;
using Google.Protobuf;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// A write-only stream that cuts the encoded result into <see cref="ResultChunk"/>s for the response stream. The
/// mosaic assembler writes synchronously, so writes only queue chunks; the farm client awaits
/// <see cref="FlushAsync(CancellationToken)"/> after every tile, which hands them to the bounded channel and waits
/// there for a slow reader. The watch loop then waits without a thread, and the gateway holds at most the rows one
/// tile completes rather than the whole image.
/// </summary>
internal sealed class ResultChunkStream(ChannelWriter<RenderEvent> events, int chunkBytes) : Stream
{
    private readonly Queue<RenderEvent> _pending = new();
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

    /// <summary>Nothing: a synchronous flush would have to block; chunks wait for <see cref="FlushAsync(CancellationToken)"/>.</summary>
    public override void Flush()
    {
    }

    /// <summary>Hands the full chunks written so far to the response channel, waiting while it is full.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_pending.TryDequeue(out var item))
        {
            await events.WriteAsync(item, cancellationToken);
        }
    }

    /// <summary>Sends what is left, the last partial chunk included; call once the encoder is done.</summary>
    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        Emit();
        return FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Emit()
    {
        if (_filled == 0)
        {
            return;
        }

        _pending.Enqueue(new RenderEvent { Result = new ResultChunk { Offset = _sent, Data = ByteString.CopyFrom(_buffer, 0, _filled) } });
        _sent += _filled;
        _filled = 0;
    }
}
