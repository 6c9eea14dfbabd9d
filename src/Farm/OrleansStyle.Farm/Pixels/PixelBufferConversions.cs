using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Farm.Pixels;

/// <summary>Between the wire form (interleaved bytes) and the planar float images the neural layer works on.</summary>
public static class PixelBufferConversions
{
    public static PlanarImage ToPlanar(this PixelBuffer buffer)
    {
        var problems = buffer.Validate("Pixel buffer");
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(buffer));
        }

        var image = new PlanarImage(buffer.Width, buffer.Height, buffer.Channels);
        var pixels = buffer.Width * buffer.Height;
        var data = buffer.Data;
        for (var c = 0; c < buffer.Channels; c++)
        {
            var plane = image.Plane(c);
            for (int i = 0, j = c; i < pixels; i++, j += buffer.Channels)
            {
                plane[i] = data[j] * (1f / 255f);
            }
        }

        return image;
    }

    public static PixelBuffer ToPixelBuffer(this PlanarImage image)
    {
        var pixels = image.Width * image.Height;
        var data = new byte[pixels * image.Channels];
        for (var c = 0; c < image.Channels; c++)
        {
            var plane = image.Plane(c);
            for (int i = 0, j = c; i < pixels; i++, j += image.Channels)
            {
                data[j] = ToByte(plane[i]);
            }
        }

        return new PixelBuffer(image.Width, image.Height, image.Channels, data);
    }

    /// <summary>The rectangle of an interleaved buffer.</summary>
    public static PixelBuffer Crop(this PixelBuffer buffer, PixelRect rect)
    {
        var rowBytes = rect.Width * buffer.Channels;
        var data = new byte[rowBytes * rect.Height];
        for (var y = 0; y < rect.Height; y++)
        {
            Buffer.BlockCopy(buffer.Data, (((rect.Y + y) * buffer.Width) + rect.X) * buffer.Channels, data, y * rowBytes, rowBytes);
        }

        return new PixelBuffer(rect.Width, rect.Height, buffer.Channels, data);
    }

    public static PixelRect ToRect(this Tile tile) => new(tile.X, tile.Y, tile.Width, tile.Height);

    private static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);
}
