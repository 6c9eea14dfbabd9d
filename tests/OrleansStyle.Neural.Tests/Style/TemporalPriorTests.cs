using OrleansStyle.Imaging;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Neural.Tests.Style;

/// <summary>Ruder et al. 2016 in the Gatys objective: the warm start and the occlusion-masked temporal loss.</summary>
public sealed class TemporalPriorTests
{
    private const int Width = 48;
    private const int Height = 32;

    private static readonly OptimizationSettings Quick = new()
    {
        Size = Width,
        Iterations = 25,
        PyramidMinSize = 0,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 0.03f,
        Init = InitKind.Content,
        StyleTaps = StyleTapPresets.For(StrokeScale.Fine),
    };

    private static readonly PlanarImage Content = TestImages.Load(SampleImages.Content("raindrops"), Width, Height);
    private static readonly PlanarImage StarryNight = TestImages.Load(SampleImages.Style("starry_night"), 48, 38);

    // A flat red the run would never reach by itself, and trust in the left half only.
    private static readonly PlanarImage Target = Flat(0.9f, 0.15f, 0.15f);
    private static readonly PlanarImage LeftHalf = HalfMask();

    [Fact]
    public void The_temporal_term_pulls_the_result_to_the_warped_previous_frame_where_trusted_and_not_elsewhere()
    {
        // Both runs start from the content (InitImage wins over the warm start), so only the loss term differs.
        var free = Run(new TemporalPrior(Target, LeftHalf, Weight: 0), Content);
        var pulled = Run(new TemporalPrior(Target, LeftHalf, Weight: 2000), Content);

        var (freeLeft, freeRight) = HalvesDistance(free, Target);
        var (pulledLeft, pulledRight) = HalvesDistance(pulled, Target);
        Assert.True(pulledLeft < 0.3 * freeLeft, $"trusted half: {freeLeft:F4} without the term, {pulledLeft:F4} with it");
        Assert.True(pulledRight > 0.8 * freeRight, $"untrusted half: {freeRight:F4} without the term, {pulledRight:F4} with it");
    }

    [Fact]
    public void The_warm_start_takes_the_previous_frame_where_trusted_and_the_per_frame_start_elsewhere()
    {
        var result = Run(new TemporalPrior(Target, LeftHalf, Weight: 0), init: null, iterations: 1);

        var (left, _) = HalvesDistance(result, Target);
        var (_, right) = HalvesDistance(result, Content);
        Assert.True(left < 0.01, $"trusted half is {left:F4} from the previous frame");
        Assert.True(right < 0.01, $"untrusted half is {right:F4} from the content");
    }

    [Fact]
    public void A_prior_of_the_wrong_size_or_with_preserved_content_colours_is_refused()
    {
        var small = new TemporalPrior(Target.Resize(24, 16), LeftHalf, 1);
        var error = Assert.Throws<ArgumentException>(() => Run(small, null));
        Assert.Contains("must be RGB at the content's 48×32", error.Message);

        var request = StyleRequest.Single(Content, StarryNight, Quick with { Color = ColorMode.PreserveContentColors })
            with { Temporal = new TemporalPrior(Target, LeftHalf, 1) };
        Assert.Contains(request.Validate(), p => p.Contains("colour mode Style or LuminanceOnly", StringComparison.Ordinal));
    }

    private static PlanarImage Run(TemporalPrior prior, PlanarImage? init, int? iterations = null) =>
        new GatysStylizer(TestNetworks.ResNet18).Run(
            StyleRequest.Single(Content, StarryNight, Quick with { Iterations = iterations ?? Quick.Iterations }) with { Temporal = prior, InitImage = init });

    /// <summary>Mean squared RGB distance to <paramref name="other"/> over the left and the right half.</summary>
    private static (double Left, double Right) HalvesDistance(PlanarImage image, PlanarImage other)
    {
        double left = 0, right = 0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < Height; y++)
            {
                for (var x = 0; x < Width; x++)
                {
                    var d = image.Plane(c)[(y * Width) + x] - other.Plane(c)[(y * Width) + x];
                    if (x < Width / 2)
                    {
                        left += d * d;
                    }
                    else
                    {
                        right += d * d;
                    }
                }
            }
        }

        var half = 3.0 * Height * (Width / 2);
        return (left / half, right / half);
    }

    private static PlanarImage Flat(float r, float g, float b)
    {
        var image = new PlanarImage(Width, Height, 3);
        image.Plane(0).Fill(r);
        image.Plane(1).Fill(g);
        image.Plane(2).Fill(b);
        return image;
    }

    private static PlanarImage HalfMask()
    {
        var mask = new PlanarImage(Width, Height, 1);
        for (var y = 0; y < Height; y++)
        {
            mask.Row(0, y)[..(Width / 2)].Fill(1f);
        }

        return mask;
    }
}
