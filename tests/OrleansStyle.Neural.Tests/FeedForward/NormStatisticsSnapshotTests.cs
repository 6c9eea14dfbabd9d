using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class NormStatisticsSnapshotTests
{
    [Fact]
    public void A_tile_renders_the_same_with_statistics_that_went_through_a_snapshot()
    {
        using var model = RandomModel(2);
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(StyleChoice.Trained(0, 0.4f), StyleChoice.Trained(1, 0.6f))];
        using var captured = model.CaptureStatistics(StarryNight.Value, regions);
        var snapshot = captured.ToSnapshot();
        using var restored = NormStatistics.FromSnapshot(snapshot, model.Device);

        var tile = Tile(Content.Value, 8, 4, 40, 32);
        var direct = model.Stylise(tile, regions, statistics: captured);
        var travelled = model.Stylise(tile, regions, statistics: restored);

        Assert.Equal(direct.Data, travelled.Data);
        Assert.NotEqual(model.Stylise(tile, regions).Data, direct.Data);
    }

    [Fact]
    public void A_snapshot_lists_every_norm_layer_in_order_with_its_channels()
    {
        using var model = RandomModel(2);
        using var captured = model.CaptureStatistics(Content.Value, [FeedForwardRegion.Everywhere(StyleChoice.Trained(1))]);
        var snapshot = captured.ToSnapshot();

        Assert.Equal(model.Network.Norms.Select(n => n.Index), snapshot.Points.Select(p => p.Index));
        Assert.Equal(model.Network.Norms.Select(n => (int)n.Channels), snapshot.Points.Select(p => p.Channels));
        Assert.All(snapshot.Points, p => Assert.Equal(p.Mean.Length, p.Std.Length));
        Assert.All(snapshot.Points, p => Assert.All(p.Std, s => Assert.True(s > 0)));
    }

    [Fact]
    public void AdaIn_region_statistics_survive_a_snapshot()
    {
        using var model = RandomAdaIn();
        var left = TestImages.Mask(64, 48, (x, _) => x < 32 ? 1f : 0f);
        var right = TestImages.Mask(64, 48, (x, _) => x < 32 ? 0f : 1f);
        FeedForwardRegion[] regions =
        [
            new(left, [StyleChoice.FromImage(StarryNight.Value)]),
            new(right, [StyleChoice.FromImage(Scream.Value)]),
        ];
        using var captured = model.CaptureStatistics(Content.Value, regions);
        using var restored = NormStatistics.FromSnapshot(captured.ToSnapshot());

        Assert.Equal(model.Stylise(Content.Value, regions, 0.7f, captured).Data, model.Stylise(Content.Value, regions, 0.7f, restored).Data);
    }

    [Fact]
    public void Restored_statistics_do_not_share_the_snapshots_arrays()
    {
        using var model = RandomModel(1);
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))];
        using var captured = model.CaptureStatistics(StarryNight.Value, regions);
        var snapshot = captured.ToSnapshot();
        using var restored = NormStatistics.FromSnapshot(snapshot);
        var before = model.Stylise(Content.Value, regions, statistics: restored);

        snapshot.Points[0].Mean.AsSpan().Fill(5f);

        Assert.Equal(before.Data, model.Stylise(Content.Value, regions, statistics: restored).Data);
    }

    [Theory]
    [InlineData("empty", "no normalisation points")]
    [InlineData("nan-mean", "Point 1 has a non-finite mean (NaN) in channel 2")]
    [InlineData("zero-std", "Point 0 has standard deviation 0 in channel 0: it must be finite and positive")]
    [InlineData("lengths", "Point 1 has 4 means but 3 standard deviations")]
    [InlineData("duplicate", "Point 0 appears more than once")]
    [InlineData("negative", "Point -1 has a negative index")]
    [InlineData("null-array", "Point 0 needs a mean and a standard deviation per channel")]
    public void Bad_snapshots_are_rejected_with_what_is_wrong(string defect, string expected)
    {
        NormStatisticsPoint Good(int index) => new(index, [0.1f, 0.2f, 0.3f, 0.4f], [1f, 1f, 1f, 1f]);
        List<NormStatisticsPoint> points = defect switch
        {
            "empty" => [],
            "nan-mean" => [Good(0), Good(1) with { Mean = [0f, 0f, float.NaN, 0f] }],
            "zero-std" => [Good(0) with { Std = [0f, 1f, 1f, 1f] }],
            "lengths" => [Good(0), Good(1) with { Std = [1f, 1f, 1f] }],
            "duplicate" => [Good(0), Good(0)],
            "negative" => [Good(-1)],
            "null-array" => [Good(0) with { Mean = null! }],
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };

        var error = Assert.Throws<ArgumentException>(() => NormStatistics.FromSnapshot(new NormStatisticsSnapshot(points)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Statistics_of_another_network_are_rejected_before_rendering()
    {
        using var model = RandomModel(1);
        using var wrong = NormStatistics.FromSnapshot(new NormStatisticsSnapshot(
            [.. model.Network.Norms.Select(n => new NormStatisticsPoint(n.Index, new float[n.Channels + 1], [.. Enumerable.Repeat(1f, (int)n.Channels + 1)]))]));

        var error = Assert.Throws<ArgumentException>(() => model.Stylise(Content.Value, [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))], statistics: wrong));
        Assert.Contains("do not fit this model", error.Message);
        Assert.Contains("point 0 has 9 channels where the model has 8", error.Message);
    }

    [Fact]
    public void Snapshot_round_trips_leak_no_tensors()
    {
        using var model = RandomModel(2);
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(StyleChoice.Trained(1))];
        using var captured = model.CaptureStatistics(StarryNight.Value, regions);
        var snapshot = captured.ToSnapshot();

        TensorLeaks.AssertNoLeak(
            () =>
            {
                using var restored = NormStatistics.FromSnapshot(snapshot);
                model.Stylise(Content.Value, regions, statistics: restored);
                restored.ToSnapshot();
            },
            3);
    }

    [Fact]
    public void Statistics_still_being_captured_have_no_snapshot()
    {
        using var statistics = NormStatistics.StartCapture();
        Assert.Throws<InvalidOperationException>(statistics.ToSnapshot);
    }

    internal static PlanarImage Tile(PlanarImage image, int left, int top, int width, int height)
    {
        var tile = new PlanarImage(width, height, image.Channels);
        for (var c = 0; c < image.Channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                image.Row(c, top + y).Slice(left, width).CopyTo(tile.Plane(c).Slice(y * width, width));
            }
        }

        return tile;
    }
}
