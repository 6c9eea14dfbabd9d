using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Tests;

public sealed class JobTilingTests
{
    [Theory]
    [InlineData(1000, 700, 256, 32, 32)]
    [InlineData(300, 300, 96, 24, 24)]
    [InlineData(100, 60, 256, 32, 32)]
    public void Windows_have_one_size_lie_inside_the_picture_and_contain_their_tile(int width, int height, int tile, int overlap, int margin)
    {
        var tiling = new JobTiling(width, height, tile, overlap, margin);
        foreach (var t in tiling.Layout.Tiles)
        {
            var window = tiling.Window(t.Index);
            var keep = tiling.Keep(t.Index);
            Assert.Equal((tiling.WindowWidth, tiling.WindowHeight), (window.Width, window.Height));
            Assert.InRange(window.X, 0, width - window.Width);
            Assert.InRange(window.Y, 0, height - window.Height);
            Assert.Equal((t.X, t.Y), (window.X + keep.X, window.Y + keep.Y));
            Assert.True(keep.X >= 0 && keep.Y >= 0 && keep.X + keep.Width <= window.Width && keep.Y + keep.Height <= window.Height);
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
}
