using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Imaging.Tests.Temporal;

public sealed class OpticalFlowTests
{
    [Fact]
    public void Farneback_recovers_a_known_translation_to_a_fraction_of_a_pixel()
    {
        // Frame b is the photo window moved 3 px left and 2 px up, so a(x) = b(x + (3, 2)) wherever both see it.
        var a = MotionScenes.Window(40, 30);
        var b = MotionScenes.Window(37, 28);

        var flow = OpticalFlow.Farneback(a, b);

        var (dx, dy) = InteriorMedians(flow, margin: 12);
        Assert.InRange(dx, 2.75, 3.25);
        Assert.InRange(dy, 1.75, 2.25);
    }

    [Theory]
    [InlineData(2)] // the temporal blend's flow
    [InlineData(4)]
    public void Farneback_on_shrunk_frames_recovers_a_known_translation_in_full_size_pixels(int downscale)
    {
        // 3 px is 1.5 px at half size and 0.75 px at quarter size: the vectors must come back scaled to full size.
        var a = MotionScenes.Window(40, 30);
        var b = MotionScenes.Window(37, 28);

        var flow = OpticalFlow.Farneback(a, b, downscale);

        Assert.Equal((a.Width, a.Height), (flow.Width, flow.Height));
        var (dx, dy) = InteriorMedians(flow, margin: 12);
        Assert.InRange(dx, 2.7, 3.3);
        Assert.InRange(dy, 1.7, 2.3);
    }

    [Fact]
    public void A_frame_too_small_to_shrink_gets_full_size_flow()
    {
        // 40×30: half size would leave sides under 32 px, so the flow is computed at full size and equals it.
        var a = MotionScenes.Window(40, 30, 40, 30);
        var b = MotionScenes.Window(38, 29, 40, 30);

        Assert.Equal(OpticalFlow.Farneback(a, b).Dx, OpticalFlow.Farneback(a, b, downscale: 2).Dx);
    }

    [Fact]
    public void Warping_the_next_frame_by_the_flow_reproduces_the_previous_one()
    {
        var a = MotionScenes.Window(40, 30);
        var b = MotionScenes.Window(45, 27);

        var warped = OpticalFlow.Farneback(a, b).Warp(b);

        var before = MeanAbsoluteDifference(a, b, 12);
        var after = MeanAbsoluteDifference(a, warped, 12);
        Assert.True(after < 0.2 * before, $"mean |a − warp(b)| {after:F4} vs |a − b| {before:F4}");
    }

    [Fact]
    public void A_uniform_flow_warps_by_whole_pixels_exactly()
    {
        var image = MotionScenes.Window(0, 0, 16, 12);

        var warped = FlowField.Uniform(16, 12, 2, 1).Warp(image);

        Assert.Equal(image.Data[(3 * 16) + 7], warped.Data[(2 * 16) + 5], 5);
    }

    internal static (double Dx, double Dy) InteriorMedians(FlowField flow, int margin)
    {
        var xs = new List<float>();
        var ys = new List<float>();
        for (var y = margin; y < flow.Height - margin; y++)
        {
            for (var x = margin; x < flow.Width - margin; x++)
            {
                xs.Add(flow.Dx[(y * flow.Width) + x]);
                ys.Add(flow.Dy[(y * flow.Width) + x]);
            }
        }

        xs.Sort();
        ys.Sort();
        return (xs[xs.Count / 2], ys[ys.Count / 2]);
    }

    private static double MeanAbsoluteDifference(PlanarImage a, PlanarImage b, int margin)
    {
        double sum = 0;
        var n = 0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = margin; y < a.Height - margin; y++)
            {
                for (var x = margin; x < a.Width - margin; x++)
                {
                    sum += Math.Abs(a.Row(c, y)[x] - b.Row(c, y)[x]);
                    n++;
                }
            }
        }

        return sum / n;
    }
}
