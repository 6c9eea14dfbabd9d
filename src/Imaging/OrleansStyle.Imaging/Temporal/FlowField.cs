namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// A dense displacement field in pixels: for every pixel x of the frame it was computed for, the frame it points to
/// holds the same scene point at x + (Dx, Dy). <see cref="Warp"/> pulls that frame's pixels back to x.
/// </summary>
public sealed class FlowField
{
    public FlowField(int width, int height, float[] dx, float[] dy)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (dx.Length != width * height || dy.Length != width * height)
        {
            throw new ArgumentException($"A {width}×{height} flow needs {width * height} values per component.");
        }

        Width = width;
        Height = height;
        Dx = dx;
        Dy = dy;
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Dx { get; }

    public float[] Dy { get; }

    /// <summary>A field that moves every pixel by the same amount (tests, and the trivial case).</summary>
    public static FlowField Uniform(int width, int height, float dx, float dy)
    {
        var x = new float[width * height];
        var y = new float[width * height];
        Array.Fill(x, dx);
        Array.Fill(y, dy);
        return new FlowField(width, height, x, y);
    }

    /// <summary>
    /// Backward warp: result(x) = <paramref name="target"/>(x + flow(x)), bilinear, clamped at the border (pixels that
    /// sample outside are marked untrustworthy by <see cref="FrameMotion"/>, not here).
    /// </summary>
    public PlanarImage Warp(PlanarImage target)
    {
        if (target.Width != Width || target.Height != Height)
        {
            throw new ArgumentException($"The flow is {Width}×{Height}; the image to warp is {target.Width}×{target.Height}.", nameof(target));
        }

        var result = new PlanarImage(Width, Height, target.Channels);
        var plane = Width * Height;
        Parallel.For(0, Height, y =>
        {
            for (var x = 0; x < Width; x++)
            {
                var i = (y * Width) + x;
                var sx = Math.Clamp(x + Dx[i], 0f, Width - 1);
                var sy = Math.Clamp(y + Dy[i], 0f, Height - 1);
                var x0 = Math.Min((int)sx, Width - 2 < 0 ? 0 : Width - 2);
                var y0 = Math.Min((int)sy, Height - 2 < 0 ? 0 : Height - 2);
                var x1 = Math.Min(x0 + 1, Width - 1);
                var y1 = Math.Min(y0 + 1, Height - 1);
                var fx = sx - x0;
                var fy = sy - y0;
                for (var c = 0; c < target.Channels; c++)
                {
                    var data = target.Data;
                    var o = c * plane;
                    var top = data[o + (y0 * Width) + x0] + (fx * (data[o + (y0 * Width) + x1] - data[o + (y0 * Width) + x0]));
                    var bottom = data[o + (y1 * Width) + x0] + (fx * (data[o + (y1 * Width) + x1] - data[o + (y1 * Width) + x0]));
                    result.Data[o + i] = top + (fy * (bottom - top));
                }
            }
        });
        return result;
    }
}
