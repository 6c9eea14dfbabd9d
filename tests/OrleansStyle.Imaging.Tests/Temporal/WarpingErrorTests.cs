using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Imaging.Tests.Temporal;

public sealed class WarpingErrorTests
{
    [Fact]
    public void A_static_clip_has_no_warping_error_and_a_flickering_one_has_its_flicker_squared()
    {
        var still = MotionScenes.Window(40, 30);
        var motion = FrameMotion.Estimate(still, still);
        var brighter = Shifted(still, 0.05f);

        var steady = WarpingError.Pair(still, still.Clone(), motion);
        var flicker = WarpingError.Pair(still, brighter, motion);

        Assert.InRange(steady, 0, 1e-6);
        // +0.05 on each of three channels (a few pixels clip at 1): close to 3 × 0.05².
        Assert.InRange(flicker, 0.0060, 0.0076);
    }

    [Fact]
    public void Output_that_moves_with_the_content_has_a_small_error_and_output_that_stays_put_a_large_one()
    {
        var previous = MotionScenes.Window(40, 30);
        var current = MotionScenes.Window(44, 32);
        var motion = FrameMotion.Estimate(previous, current);

        var following = WarpingError.Pair(previous, current, motion);
        var stuck = WarpingError.Pair(previous, previous, motion);

        Assert.True(following < 0.2 * stuck, $"E_warp of output following the motion {following:F5} vs output standing still {stuck:F5}");
    }

    [Fact]
    public void Blending_removes_most_of_the_flicker_of_a_moving_clip()
    {
        // "Stylised" frames = the content with a brightness flicker of ±0.08 (what per-frame stylisation does to a
        // stroke): the blender pulls each frame towards the warped previous result.
        var blender = new TemporalBlender();
        PlanarImage? previousContent = null, previousPlain = null, previousBlended = null;
        double plain = 0, blended = 0;
        for (var t = 0; t < 6; t++)
        {
            var content = MotionScenes.Window(30 + (2 * t), 30 + t);
            var stylised = Shifted(content, t % 2 == 0 ? -0.08f : 0.08f);
            var result = blender.Blend(content, stylised);
            if (previousContent is not null)
            {
                var motion = FrameMotion.Estimate(previousContent, content);
                plain += WarpingError.Pair(previousPlain!, stylised, motion);
                blended += WarpingError.Pair(previousBlended!, result, motion);
            }

            (previousContent, previousPlain, previousBlended) = (content, stylised, result);
        }

        Assert.True(blended < 0.5 * plain, $"E_warp blended {blended / 5:F5} vs per-frame {plain / 5:F5}");
    }

    private static PlanarImage Shifted(PlanarImage image, float by)
    {
        var result = image.Clone();
        for (var i = 0; i < result.Data.Length; i++)
        {
            result.Data[i] = Math.Clamp(result.Data[i] + by, 0f, 1f);
        }

        return result;
    }
}
