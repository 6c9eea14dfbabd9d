using OpenCvSharp;

namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// Dense optical flow between two frames with OpenCV's Farnebäck (polynomial expansion over a pyramid), on luma.
/// Chosen over TV-L1 and a TorchSharp flow by measurement (docs/benchmarks.md, "Optical flow"): about 45–90 ms per
/// 640×360 pair on two CPU cores (about a quarter of that at half scale), sub-pixel on textured motion, and it keeps
/// flow in the imaging layer. (DIS flow is not wrapped by OpenCvSharp4 4.13 nor exported by its runtime.)
/// </summary>
public static class OpticalFlow
{
    /// <summary>
    /// The flow of <paramref name="from"/> towards <paramref name="to"/>: from(x) ≈ to(x + flow(x)). Both frames are
    /// RGB (0–1) of the same size. Full resolution: what E_warp and the optimisation's temporal loss measure with.
    /// </summary>
    public static FlowField Farneback(PlanarImage from, PlanarImage to) => Farneback(from, to, downscale: 1);

    /// <summary>
    /// As <see cref="Farneback(PlanarImage, PlanarImage)"/>, computed on frames <paramref name="downscale"/> times
    /// smaller per side (area-averaged, the window shrunk to the same reach in full-size pixels) and the flow scaled
    /// back up (bilinear, vectors multiplied). At 2 it costs about a quarter and was as accurate on the bench's
    /// 640×360 motion (docs/benchmarks.md, "Optical flow"): what the temporal blend uses. Frames too small to shrink
    /// (a side under 32 px after it) are computed at the largest downscale that keeps 32 px.
    /// </summary>
    public static FlowField Farneback(PlanarImage from, PlanarImage to, int downscale)
    {
        if (from.Width != to.Width || from.Height != to.Height)
        {
            throw new ArgumentException($"Flow needs frames of one size: {from.Width}×{from.Height} vs {to.Width}×{to.Height}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(downscale, 1);
        var (width, height) = (from.Width, from.Height);
        var scale = Math.Max(1, Math.Min(downscale, Math.Min(width, height) / 32));
        using var a = Shrunk(Luma(from), scale);
        using var b = Shrunk(Luma(to), scale);
        using var flow = new Mat();
        // A 31 px window over pyramid levels down to a coarsest level of ≥ 16 px: the wide window carries motion into
        // flat, out-of-focus areas where a 15 px one guesses (docs/benchmarks.md, "Optical flow"); 3 iterations and
        // polyN 5 / σ 1.2 are OpenCV's recommended settings. On a shrunk frame the window shrinks with it.
        var levels = Math.Clamp((int)Math.Log2(Math.Min(a.Width, a.Height) / 16.0), 1, 5);
        Cv2.CalcOpticalFlowFarneback(a, b, flow, 0.5, levels, (31 / scale) | 1, 3, 5, 1.2, OpticalFlowFlags.None);
        var (sx, sy) = ((float)width / a.Width, (float)height / a.Height);
        using var full = new Mat();
        if (scale > 1)
        {
            Cv2.Resize(flow, full, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        }

        var source = scale > 1 ? full : flow;
        var length = from.PlaneLength;
        var packed = new float[2 * length];
        System.Runtime.InteropServices.Marshal.Copy(source.Data, packed, 0, packed.Length);
        var dx = new float[length];
        var dy = new float[length];
        for (var i = 0; i < length; i++)
        {
            dx[i] = sx * packed[2 * i];
            dy[i] = sy * packed[(2 * i) + 1];
        }

        return new FlowField(width, height, dx, dy);
    }

    /// <summary>The luma frame shrunk <paramref name="scale"/> times per side by area averaging (itself at 1; disposes the input otherwise).</summary>
    private static Mat Shrunk(Mat luma, int scale)
    {
        if (scale == 1)
        {
            return luma;
        }

        using (luma)
        {
            var small = new Mat();
            Cv2.Resize(luma, small, new Size(luma.Width / scale, luma.Height / scale), 0, 0, InterpolationFlags.Area);
            return small;
        }
    }

    /// <summary>Rec. 601 luma as an 8-bit single-channel Mat (what Farnebäck takes).</summary>
    private static Mat Luma(PlanarImage image)
    {
        var length = image.PlaneLength;
        var bytes = new byte[length];
        var d = image.Data;
        for (var i = 0; i < length; i++)
        {
            var y = image.Channels >= 3 ? (0.299f * d[i]) + (0.587f * d[length + i]) + (0.114f * d[(2 * length) + i]) : d[i];
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(y * 255f), 0, 255);
        }

        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC1);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, mat.Data, length);
        return mat;
    }
}
