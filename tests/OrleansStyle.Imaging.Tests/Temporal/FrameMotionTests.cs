using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Imaging.Tests.Temporal;

public sealed class FrameMotionTests
{
    [Theory]
    [InlineData(1, 0.95)] // full-size flow: E_warp's and the optimisation's
    [InlineData(TemporalBlender.FlowDownscale, 0.9)] // the temporal blend's: its window reaches as far, its shrunk pyramid a little further
    public void The_forward_backward_check_marks_background_uncovered_by_a_moving_patch(int flowDownscale, double farTrusted)
    {
        // The patch moves 8 px right over a still background: in the new frame, columns 50–57 of rows 40–79 show
        // background that the previous frame hid (disoccluded), and nothing far from the patch moved.
        // (The flow's wide window blurs motion up to ~30 px around the patch; the mask follows it there.)
        var previous = MotionScenes.PatchOver(50);
        var current = MotionScenes.PatchOver(58);

        var motion = FrameMotion.Estimate(previous, current, flowDownscale);

        var uncovered = Share(motion, 50, 58, 44, 76, trusted: false);
        var farAway = Share(motion, 0, 160, 0, 10, trusted: true); // ≥ 30 px from the patch: beyond the flow's 31 px window
        // Farnebäck's smooth flow blurs the strip's edges, so not every pixel of it: most, and far more than elsewhere.
        Assert.True(uncovered > 0.5, $"only {uncovered:P0} of the uncovered strip is marked untrustworthy");
        Assert.True(farAway > farTrusted, $"only {farAway:P0} of the still background far from the patch is trusted");
        Assert.True(uncovered > 10 * (1 - farAway), $"uncovered strip {uncovered:P0} untrusted vs far background {1 - farAway:P1}");
    }

    [Fact]
    public void The_blends_motion_distrusts_the_border_a_pan_brings_in_and_trusts_the_rest()
    {
        // The camera pans 6 px right: the new frame's last 6 columns show what the previous frame never saw.
        var previous = MotionScenes.Window(40, 30);
        var current = MotionScenes.Window(46, 30);

        var motion = TemporalBlender.EstimateMotion(previous, current);

        var (dx, _) = OpticalFlowTests.InteriorMedians(motion.Backward, margin: 12);
        Assert.InRange(dx, 5.7, 6.3);
        var newBorder = Share(motion, 160 - 6, 160, 10, 110, trusted: false);
        var interior = Share(motion, 12, 160 - 18, 12, 108, trusted: true);
        Assert.True(newBorder > 0.9, $"only {newBorder:P0} of the {6}-px strip the pan brought in is untrusted");
        Assert.True(interior > 0.9, $"only {interior:P0} of the interior is trusted");
    }

    [Fact]
    public void Pixels_whose_flow_leaves_the_frame_are_not_trusted()
    {
        var width = 20;
        var backward = FlowField.Uniform(width, 10, -3, 0);

        var motion = FrameMotion.FromFlows(backward, FlowField.Uniform(width, 10, 3, 0));

        Assert.Equal(0, motion.Trusted[(5 * width) + 1]);
        Assert.Equal(1, motion.Trusted[(5 * width) + 10]);
    }

    private static double Share(FrameMotion motion, int x0, int x1, int y0, int y1, bool trusted)
    {
        var hits = 0;
        var n = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                hits += (motion.Trusted[(y * motion.Width) + x] == 1) == trusted ? 1 : 0;
                n++;
            }
        }

        return hits / (double)n;
    }
}
