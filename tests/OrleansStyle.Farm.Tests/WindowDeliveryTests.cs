using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// A coordinator on a silo without devices either lets workers read their windows from the spool (the default) or
/// sends the windows itself (pooled arrays); either way every pixel comes back where it belongs.
/// </summary>
public sealed class WindowDeliveryTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tiles_come_back_whole_whether_workers_read_their_windows_or_are_sent_them(bool workersReadSpool)
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, o => { o.Devices = ["sim:0"]; o.MaxBatch = 2; }],
            j => { j.WorkersReadSpool = workersReadSpool; j.MaxInFlightPerWorker = 3; });
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 1);
        var photo = FarmFixtures.Photo("dune", 480, 360);

        var (image, status) = await RenderHelpers.RenderAsync(
            farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("windows"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0")));

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.TilesTotal > 1, $"{status.TilesTotal} tile");
        Assert.Equal(photo.Data, image.ToPixelBuffer().Data); // simulated devices return their window: the picture comes back
    }
}
