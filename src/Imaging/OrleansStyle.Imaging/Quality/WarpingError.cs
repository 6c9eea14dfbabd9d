using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// The warping error of Lai et al. 2018 (“Learning Blind Video Temporal Consistency”, §5.1) for one pair of
/// consecutive output frames: output t−1 is warped onto frame t by the content's flow, and the squared RGB distance
/// (0–1 scale, summed over channels) is averaged over the pixels the occlusion mask trusts. A clip's E_warp is the
/// mean over its pairs. 0 = every trackable point keeps its colour; flicker and popping raise it.
/// </summary>
public static class WarpingError
{
    public static double Pair(PlanarImage previousOutput, PlanarImage output, FrameMotion contentMotion)
    {
        if (output.Width != contentMotion.Width || output.Height != contentMotion.Height || previousOutput.Size != output.Size)
        {
            throw new ArgumentException(
                $"The output frames ({previousOutput.Width}×{previousOutput.Height}, {output.Width}×{output.Height}) and the content's flow ({contentMotion.Width}×{contentMotion.Height}) must be one size.");
        }

        var warped = contentMotion.Backward.Warp(previousOutput);
        var plane = output.PlaneLength;
        double sum = 0;
        double weight = 0;
        for (var i = 0; i < plane; i++)
        {
            var m = contentMotion.Trusted[i];
            if (m == 0)
            {
                continue;
            }

            double d2 = 0;
            for (var c = 0; c < output.Channels; c++)
            {
                var d = output.Data[(c * plane) + i] - warped.Data[(c * plane) + i];
                d2 += d * d;
            }

            sum += m * d2;
            weight += m;
        }

        return weight > 0 ? sum / weight : 0; // nothing trackable: nothing to be inconsistent with
    }
}
