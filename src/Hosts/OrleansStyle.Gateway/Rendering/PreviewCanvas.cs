using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// A small RGB copy of the picture that finished tiles are painted into (nearest neighbour: previews are for people
/// watching, not for quality), encoded as PNG on demand.
/// </summary>
internal sealed class PreviewCanvas
{
    public const int MinSide = 16;
    public const int MaxSide = 1024;

    private readonly byte[] _pixels;
    private readonly double _scale;

    public PreviewCanvas(int pictureWidth, int pictureHeight, int longSide)
    {
        _scale = Math.Min(1.0, (double)longSide / Math.Max(pictureWidth, pictureHeight));
        Width = Math.Max(1, (int)Math.Round(pictureWidth * _scale));
        Height = Math.Max(1, (int)Math.Round(pictureHeight * _scale));
        _pixels = new byte[Width * Height * 3];
    }

    public int Width { get; }

    public int Height { get; }

    public void Paint(PixelRect rect, PixelBuffer tile)
    {
        var width = Math.Min(rect.Width, tile.Width);
        var height = Math.Min(rect.Height, tile.Height);
        var x0 = Math.Max(0, (int)Math.Floor(rect.X * _scale));
        var y0 = Math.Max(0, (int)Math.Floor(rect.Y * _scale));
        var x1 = Math.Min(Width, (int)Math.Ceiling((rect.X + width) * _scale));
        var y1 = Math.Min(Height, (int)Math.Ceiling((rect.Y + height) * _scale));
        for (var py = y0; py < y1; py++)
        {
            var sy = (int)((py + 0.5) / _scale) - rect.Y;
            if (sy < 0 || sy >= height)
            {
                continue;
            }

            for (var px = x0; px < x1; px++)
            {
                var sx = (int)((px + 0.5) / _scale) - rect.X;
                if (sx < 0 || sx >= width)
                {
                    continue;
                }

                Buffer.BlockCopy(tile.Data, ((sy * tile.Width) + sx) * 3, _pixels, ((py * Width) + px) * 3, 3);
            }
        }
    }

    public byte[] EncodePng()
    {
        using var image = Image.LoadPixelData<Rgb24>(_pixels, Width, Height);
        return ImageWriter.Encode(image, OutputFormat.Png);
    }
}
