using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Neural.Tests.FeedForward;

/// <summary>models/multi4-video.safetensors: multi4 fine-tuned with the temporal term (models/README.md).</summary>
public sealed class BundledVideoModelTests
{
    private const int Shift = 3; // not a multiple of the network's stride 4, so equivariance is not free

    private static string Bundled(string name) => Path.Combine(RepositoryRoot.Directory, "models", name + ".safetensors");

    [Fact]
    public void Multi4_video_repaints_a_moved_picture_less_than_multi4_with_the_same_styles()
    {
        var photo = TestImages.Load(SampleImages.Content("garden"), 160 + Shift, 112);
        var first = photo.Crop(0, 0, 160, 112);
        var moved = photo.Crop(Shift, 0, 160, 112); // the picture moved Shift pixels to the left

        using var multi4 = StyleModelFile.Load(Bundled("multi4"));
        using var video = StyleModelFile.Load(Bundled("multi4-video"));
        Assert.Equal(multi4.Info.Styles, video.Info.Styles);
        Assert.Equal(multi4.Info.Architecture, video.Info.Architecture);

        var original = Change(multi4, 0, first, moved);
        var tuned = Change(video, 0, first, moved);
        Assert.True(tuned < 0.8 * original, $"mean squared change along the motion {tuned:E3} (multi4-video) vs {original:E3} (multi4), starry_night");
    }

    /// <summary>Mean squared difference of the two results where they show the same content (16-px border left out).</summary>
    private static double Change(IStyleModel model, int style, PlanarImage first, PlanarImage moved)
    {
        var stylizer = new FeedForwardStylizer(model);
        var a = stylizer.Stylise(FeedForwardRequest.Everywhere(first, StyleChoice.Trained(style)) with { StrokeScale = 1 });
        var b = stylizer.Stylise(FeedForwardRequest.Everywhere(moved, StyleChoice.Trained(style)) with { StrokeScale = 1 });
        double sum = 0;
        var count = 0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 16; y < a.Height - 16; y++)
            {
                var rowA = a.Row(c, y);
                var rowB = b.Row(c, y);
                for (var x = 16; x < a.Width - Shift - 16; x++)
                {
                    var d = rowA[x + Shift] - rowB[x];
                    sum += d * d;
                    count++;
                }
            }
        }

        return sum / count;
    }
}
