using Microsoft.Extensions.Time.Testing;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Tests;

public sealed class JobTilingTests
{
    [Theory]
    [InlineData(2f)]
    [InlineData(61f / 32)]
    [InlineData(4f)]
    public void At_a_stroke_scale_windows_start_where_the_shrunk_picture_is_on_the_networks_32_px_grid(float scale)
    {
        var alignment = Neural.FeedForward.StrokeScaling.Alignment(scale);
        var tiling = new JobTiling(2048, 1536, 512, 32, (int)Math.Ceiling(32 * scale), alignment);
        foreach (var t in tiling.Layout.Tiles)
        {
            var window = tiling.Window(t.Index);
            Assert.Equal(0, window.X % alignment);
            Assert.Equal(0, window.Y % alignment);
            Assert.Equal(0, (window.X / (double)scale) % 32, 6);
            Assert.Equal(0, (window.Y / (double)scale) % 32, 6);
            Assert.True(tiling.Keep(t.Index).X >= Math.Min(32 * scale, t.X), "the margin in shrunk pixels");
        }
    }

    [Theory]
    [InlineData(1000, 700, 256, 32, 32)]
    [InlineData(300, 300, 96, 24, 24)]
    [InlineData(100, 60, 256, 32, 32)]
    [InlineData(13334, 7499, 512, 32, 32)]
    public void Windows_start_aligned_lie_inside_the_picture_and_contain_their_tile_with_its_margin(int width, int height, int tile, int overlap, int margin)
    {
        var tiling = new JobTiling(width, height, tile, overlap, margin);
        foreach (var t in tiling.Layout.Tiles)
        {
            var window = tiling.Window(t.Index);
            var keep = tiling.Keep(t.Index);
            Assert.Equal(0, window.X % JobTiling.Alignment);
            Assert.Equal(0, window.Y % JobTiling.Alignment);
            Assert.True(window.X + window.Width <= width && window.Y + window.Height <= height);
            Assert.True(window.Width == tiling.WindowWidth || window.X + window.Width == width, "interior windows share one size");
            Assert.Equal((t.X, t.Y), (window.X + keep.X, window.Y + keep.Y));
            Assert.True(keep.X >= Math.Min(margin, t.X) && keep.Y >= Math.Min(margin, t.Y), "the margin before the tile");
            Assert.True(window.X + window.Width >= Math.Min(width, t.X + t.Width + margin), "the margin after the tile");
            Assert.True(window.Y + window.Height >= Math.Min(height, t.Y + t.Height + margin));
        }
    }

    [Fact]
    public void The_router_picks_the_least_loaded_worker_and_blocks_one_that_keeps_failing()
    {
        var options = new JobOptions { MaxInFlightPerWorker = 2, FailuresBeforeBlocking = 2, OverloadBackoff = TimeSpan.Zero };
        var router = new TileRouter(options);
        WorkerAddress a = new("s1", "cpu"), b = new("s2", "cpu");
        IReadOnlyList<WorkerAddress> workers = [a, b];

        Assert.Equal(a, router.Pick(workers));
        router.Started(a);
        Assert.Equal(b, router.Pick(workers));
        router.Started(b);
        router.Started(b);
        Assert.Equal(a, router.Pick(workers));
        router.Started(a);
        Assert.Null(router.Pick(workers)); // both at their in-flight limit

        router.Finished(a);
        router.Failed(a);
        router.Finished(a);
        router.Failed(a);
        Assert.True(router.IsBlocked(a));
        router.Finished(b);
        Assert.Equal(b, router.Pick(workers));
        Assert.True(router.AnyUsable(workers));
        Assert.False(router.AnyUsable([a]));
    }

    [Fact]
    public void Large_windows_get_fewer_tiles_in_flight_per_worker_but_never_none()
    {
        var options = new JobOptions { MaxInFlightPerWorker = 16, MaxInFlightMegabytesPerWorker = 64 };

        Assert.Equal(16, options.InFlightPerWorker(3L * 576 * 576)); // a 512-px tile's window: the tile count decides
        Assert.Equal(5, options.InFlightPerWorker(3L * 2048 * 2048)); // 12 MB windows (stroke scale 16): 64 MB is five
        Assert.Equal(1, options.InFlightPerWorker(3L * 8192 * 8192)); // larger than the budget: still one at a time

        // The router holds a worker at the lowered limit.
        var router = new TileRouter(options, maxInFlightPerWorker: options.InFlightPerWorker(3L * 2048 * 2048));
        WorkerAddress a = new("s1", "cpu");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(a, router.Pick([a]));
            router.Started(a);
        }

        Assert.Null(router.Pick([a]));
    }

    [Fact]
    public void The_router_skips_a_worker_that_refused_until_its_backoff_has_passed()
    {
        // Fake time: the backoff is shown by moving the clock, not by sleeping through it.
        var time = new FakeTimeProvider();
        var router = new TileRouter(new JobOptions { MaxInFlightPerWorker = 2, OverloadBackoff = TimeSpan.FromSeconds(5) }, time);
        WorkerAddress a = new("s1", "cpu"), b = new("s2", "cpu");
        IReadOnlyList<WorkerAddress> workers = [a, b];

        router.Overloaded(a);
        Assert.Equal(b, router.Pick(workers));
        Assert.Null(router.Pick([a])); // still backing off: no worker to send to

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Null(router.Pick([a]));

        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal(a, router.Pick([a]));
        Assert.False(router.IsBlocked(a)); // a refusal is not a failure
    }
}
