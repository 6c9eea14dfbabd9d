using OpenCvSharp;

namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// Dense optical flow between two frames with OpenCV's Farnebäck (polynomial expansion over a pyramid), on luma.
/// Chosen over TV-L1 and a TorchSharp flow by measurement (docs/benchmarks.md, "Optical flow"): about 45–90 ms per
/// 640×360 pair on two CPU cores, sub-pixel on textured motion, and it keeps flow in the imaging layer.
/// </summary>
public static class OpticalFlow
{
    /// <summary>
    /// The flow of <paramref name="from"/> towards <paramref name="to"/>: from(x) ≈ to(x + flow(x)). Both frames are
    /// RGB (0–1) of the same size.
    /// </summary>
    public static FlowField Farneback(PlanarImage from, PlanarImage to)
    {
        if (from.Width != to.Width || from.Height != to.Height)
        {
            throw new ArgumentException($"Flow needs frames of one size: {from.Width}×{from.Height} vs {to.Width}×{to.Height}.");
        }

        using var a = Luma(from);
        using var b = Luma(to);
        using var flow = new Mat();
        // A 31 px window over up to 5 pyramid levels (coarsest level ≥ 16 px): the wide window carries motion into
        // flat, out-of-focus areas where a 15 px one guesses (docs/benchmarks.md, "Optical flow"); 3 iterations and
        // polyN 5 / σ 1.2 are OpenCV's recommended settings.
        var levels = Math.Clamp((int)Math.Log2(Math.Min(from.Width, from.Height) / 16.0), 1, 5);
        Cv2.CalcOpticalFlowFarneback(a, b, flow, 0.5, levels, 31, 3, 5, 1.2, OpticalFlowFlags.None);
        var length = from.PlaneLength;
        var packed = new float[2 * length];
        System.Runtime.InteropServices.Marshal.Copy(flow.Data, packed, 0, packed.Length);
        var dx = new float[length];
        var dy = new float[length];
        for (var i = 0; i < length; i++)
        {
            dx[i] = packed[2 * i];
            dy[i] = packed[(2 * i) + 1];
        }

        return new FlowField(from.Width, from.Height, dx, dy);
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
