using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Tests;

/// <summary>A worker sends back only the part of the window its caller keeps.</summary>
public sealed class DeviceWorkerKeepTests
{
    [Fact]
    public async Task A_worker_returns_only_the_kept_part_of_the_window_and_the_whole_window_without_one()
    {
        // A silo without devices calls a worker on another silo, as a coordinator does: the call is serialised.
        await using var farm = await FarmCluster.StartAsync([FarmCluster.NoDevices, FarmCluster.Devices("sim:0")]);
        var worker = (await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 1)).Single();
        var device = farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key);
        var window = FarmFixtures.Photo("garden", 160, 128);
        var keep = new PixelRect(32, 16, 96, 80);
        var work = new TileWork(RenderHelpers.NewId("keep"), 0, FarmFixtures.Multi, window, ImmutableArray<RegionSpec>.Empty, null);

        var kept = await device.Render(work with { Keep = keep }, CancellationToken.None);
        var whole = await device.Render(work, CancellationToken.None);

        // Simulated devices return their input, so the kept part is the window's own pixels there.
        Assert.Equal((keep.Width, keep.Height), (kept.Pixels.Width, kept.Pixels.Height));
        Assert.Equal(window.Crop(keep).Data, kept.Pixels.Data);
        Assert.Equal(window.Data, whole.Pixels.Data);
    }
}
