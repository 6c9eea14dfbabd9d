using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class BorderPaddingTests
{
    [Fact]
    public void Reflection_mirrors_without_repeating_the_edge_and_crops_back_exactly()
    {
        var image = new PlanarImage(4, 3, 1, [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
        var padded = BorderPadding.Reflect(image, (2, 1));

        Assert.Equal((8, 5), (padded.Width, padded.Height));
        Assert.Equal([12, 11, 10, 11, 12, 13, 12, 11], padded.Row(0, 0).ToArray()); // row −1 mirrors row 1
        Assert.Equal([2, 1, 0, 1, 2, 3, 2, 1], padded.Row(0, 1).ToArray());
        Assert.Equal(image.Data, BorderPadding.Crop(padded, (2, 1), 4, 3).Data);
    }

    [Fact]
    public void Padded_renders_keep_the_size_and_differ_from_unpadded_ones_only_near_the_border()
    {
        using var model = RandomModel(1);
        var padded = model.Stylise(Content.Value, StyleChoice.Trained(0));
        model.BorderPadding = 0;
        var plain = model.Stylise(Content.Value, StyleChoice.Trained(0));

        Assert.Equal((Content.Value.Width, Content.Value.Height), (padded.Width, padded.Height));
        var centre = MaxDifference(padded.Crop(24, 18, 16, 12), plain.Crop(24, 18, 16, 12));
        var border = MaxDifference(padded.Crop(0, 0, 4, 48), plain.Crop(0, 0, 4, 48));
        Assert.True(border > centre, $"border change {border} vs centre {centre}");
    }

    private static float MaxDifference(PlanarImage a, PlanarImage b) => a.Data.Zip(b.Data, (x, y) => Math.Abs(x - y)).Max();
}
