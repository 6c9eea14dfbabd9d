using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// A frame larger than the devices' tile limit, put together from its tiles as a render's picture is: the tiles'
/// kept parts feather-blended by the render's <see cref="MosaicAssembler"/>, into the frame's bytes.
/// </summary>
internal sealed class FrameMosaic : IDisposable
{
    private readonly JobTiling _tiling;
    private readonly FrameBuffer _frame;
    private readonly MosaicAssembler _assembler;

    public FrameMosaic(JobTiling tiling)
    {
        _tiling = tiling;
        _frame = new FrameBuffer(tiling.Layout.Width, tiling.Layout.Height);
        _assembler = new MosaicAssembler(tiling.Layout, _frame);
    }

    /// <summary>Adds a rendered window; returns the whole frame once its last tile arrived, else null.</summary>
    public PixelBuffer? Add(int tile, PixelBuffer window)
    {
        var keep = _tiling.Keep(tile);
        _assembler.Add(tile, (keep.Width == window.Width && keep.Height == window.Height ? window : window.Crop(keep)).Data);
        if (_assembler.TilesReceived < _assembler.TileCount)
        {
            return null;
        }

        _assembler.Complete();
        return new PixelBuffer(_frame.Width, _frame.Height, 3, _frame.Data);
    }

    public void Dispose() => _assembler.Dispose();

    /// <summary>The assembled rows, kept in memory: one frame is small next to the frames in flight.</summary>
    private sealed class FrameBuffer(int width, int height) : IRgbRowSink
    {
        private int _rows;

        public int Width { get; } = width;

        public int Height { get; } = height;

        public byte[] Data { get; } = new byte[width * height * 3];

        public void WriteRow(ReadOnlySpan<byte> row) => row.CopyTo(Data.AsSpan(_rows++ * Width * 3));

        public void Complete()
        {
            if (_rows != Height)
            {
                throw new InvalidOperationException($"The frame has {_rows} of {Height} rows.");
            }
        }

        public void Dispose()
        {
        }
    }
}
