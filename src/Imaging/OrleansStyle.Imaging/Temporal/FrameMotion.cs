namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// How frame t−1 moved into frame t: the flow from t back to t−1 (so anything rendered for t−1 can be warped onto
/// t's pixel grid) and a mask of t's pixels that the warp can be trusted at. The mask is Ruder et al. 2016's
/// (“Artistic style transfer for videos”, §3.2): a pixel is untrustworthy where the forward–backward check fails
/// (disoccluded: newly visible in t), on a motion boundary, or where its flow points outside frame t−1. Because
/// Farnebäck's flow is smooth and tends to fill small disocclusions with its neighbours' motion (which then passes the
/// forward–backward check), <see cref="Estimate"/> also distrusts pixels where warping content frame t−1 does not
/// reproduce frame t (squared RGB distance above <see cref="PhotometricThreshold"/>), the usual complement of the check.
/// </summary>
public sealed class FrameMotion
{
    private FrameMotion(FlowField backward, float[] trusted, int occluded)
    {
        Backward = backward;
        Trusted = trusted;
        OccludedPixels = occluded;
    }

    /// <summary>Squared RGB distance (0–1 scale, summed over channels; ≈ 0.06 per channel) above which a warped content pixel is a mismatch.</summary>
    public const float PhotometricThreshold = 0.01f;

    /// <summary>Frame t's pixel x shows what frame t−1 shows at x + Backward(x).</summary>
    public FlowField Backward { get; }

    /// <summary>1 where the warp from t−1 is trusted, 0 at occlusions, motion boundaries and outside the frame.</summary>
    public float[] Trusted { get; }

    public int OccludedPixels { get; }

    public int Width => Backward.Width;

    public int Height => Backward.Height;

    /// <summary>
    /// Flow both ways between two consecutive content frames and the forward–backward occlusion mask.
    /// <paramref name="flowDownscale"/> computes the flows on smaller frames (<see cref="OpticalFlow.Farneback(PlanarImage, PlanarImage, int)"/>);
    /// the mask is always at full size.
    /// </summary>
    public static FrameMotion Estimate(PlanarImage previous, PlanarImage current, int flowDownscale = 1)
    {
        FlowField backward = null!, forward = null!;
        // The two flows are independent: compute them side by side (each is single-threaded in OpenCV here).
        Parallel.Invoke(
            () => backward = OpticalFlow.Farneback(current, previous, flowDownscale),
            () => forward = OpticalFlow.Farneback(previous, current, flowDownscale));
        var motion = FromFlows(backward, forward);
        var warped = backward.Warp(previous);
        var plane = current.PlaneLength;
        var channels = Math.Min(3, current.Channels);
        var occluded = motion.OccludedPixels;
        for (var i = 0; i < plane; i++)
        {
            if (motion.Trusted[i] == 0)
            {
                continue;
            }

            float d2 = 0;
            for (var c = 0; c < channels; c++)
            {
                var d = current.Data[(c * plane) + i] - warped.Data[(c * plane) + i];
                d2 += d * d;
            }

            if (d2 > PhotometricThreshold)
            {
                motion.Trusted[i] = 0;
                occluded++;
            }
        }

        return new FrameMotion(backward, motion.Trusted, occluded);
    }

    /// <summary>The mask from a backward (t → t−1) and a forward (t−1 → t) flow.</summary>
    public static FrameMotion FromFlows(FlowField backward, FlowField forward)
    {
        var (w, h) = (backward.Width, backward.Height);
        // Forward flow sampled where each pixel of t lands in t−1: w̃(x) = forward(x + backward(x)).
        var forwardAtTarget = backward.Warp(new PlanarImage(w, h, 2, [.. forward.Dx, .. forward.Dy]));
        var trusted = new float[w * h];
        var occluded = 0;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = (y * w) + x;
                var (bx, by) = (backward.Dx[i], backward.Dy[i]);
                var (fx, fy) = (forwardAtTarget.Data[i], forwardAtTarget.Data[(w * h) + i]);
                var sx = x + bx;
                var sy = y + by;
                var outside = sx < 0 || sy < 0 || sx > w - 1 || sy > h - 1;
                var sumX = fx + bx;
                var sumY = fy + by;
                var disoccluded = (sumX * sumX) + (sumY * sumY) > (0.01f * ((fx * fx) + (fy * fy) + (bx * bx) + (by * by))) + 0.5f;
                var boundary = Gradient2(backward, x, y) > (0.01f * ((bx * bx) + (by * by))) + 0.002f;
                if (outside || disoccluded || boundary)
                {
                    occluded++;
                }
                else
                {
                    trusted[i] = 1f;
                }
            }
        }

        return new FrameMotion(backward, trusted, occluded);
    }

    /// <summary>|∇u|² + |∇v|² by forward differences (zero at the last row and column).</summary>
    private static float Gradient2(FlowField flow, int x, int y)
    {
        var (w, h) = (flow.Width, flow.Height);
        var i = (y * w) + x;
        var right = x + 1 < w ? i + 1 : i;
        var down = y + 1 < h ? i + w : i;
        var ux = flow.Dx[right] - flow.Dx[i];
        var uy = flow.Dx[down] - flow.Dx[i];
        var vx = flow.Dy[right] - flow.Dy[i];
        var vy = flow.Dy[down] - flow.Dy[i];
        return (ux * ux) + (uy * uy) + (vx * vx) + (vy * vy);
    }
}
