namespace OrleansStyle.Farm.Pixels;

/// <summary>Area-average downscaling straight from bytes: a thumbnail of a 100 MP picture without a float copy of it.</summary>
public static class PixelBufferResampling
{
    /// <summary>The picture shrunk so its long side is at most <paramref name="longSide"/> (unchanged if already smaller).</summary>
    public static PixelBuffer Thumbnail(this PixelBuffer source, int longSide)
    {
        var scale = Math.Min(1.0, (double)longSide / Math.Max(source.Width, source.Height));
        var width = Math.Max(1, (int)Math.Round(source.Width * scale));
        var height = Math.Max(1, (int)Math.Round(source.Height * scale));
        if (width == source.Width && height == source.Height)
        {
            return source;
        }

        var channels = source.Channels;
        var data = new byte[width * height * channels];
        var sums = new double[channels];
        for (var y = 0; y < height; y++)
        {
            var y0 = (int)((long)y * source.Height / height);
            var y1 = Math.Max(y0 + 1, (int)((long)(y + 1) * source.Height / height));
            for (var x = 0; x < width; x++)
            {
                var x0 = (int)((long)x * source.Width / width);
                var x1 = Math.Max(x0 + 1, (int)((long)(x + 1) * source.Width / width));
                Array.Clear(sums);
                for (var sy = y0; sy < y1; sy++)
                {
                    var offset = ((sy * source.Width) + x0) * channels;
                    for (var i = 0; i < (x1 - x0) * channels; i++)
                    {
                        sums[i % channels] += source.Data[offset + i];
                    }
                }

                var count = (double)(x1 - x0) * (y1 - y0);
                for (var c = 0; c < channels; c++)
                {
                    data[(((y * width) + x) * channels) + c] = (byte)Math.Round(sums[c] / count);
                }
            }
        }

        return new PixelBuffer(width, height, channels, data);
    }
}
