using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

public sealed class PlacementTests
{
    [Fact]
    public async Task Workers_land_on_the_silos_that_announce_their_devices_and_nowhere_else()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, FarmCluster.Devices("sim:0"), FarmCluster.Devices("sim:0", "sim:1")]);
        var silos = farm.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();

        var directory = farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<WorkerDirectory>();
        var workers = await WaitForWorkers(directory, 3);

        Assert.Equal(
            new[] { (silos[1], "sim:0"), (silos[2], "sim:0"), (silos[2], "sim:1") }.Order().ToList(),
            workers.Select(w => (w.Silo, w.Device)).Order().ToList());
        Assert.DoesNotContain(workers, w => w.Silo == silos[0]);
        foreach (var worker in workers)
        {
            var load = await farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad();
            Assert.Equal(worker.Silo, load.Silo);
        }

        // A worker for a device its silo does not have is refused, not placed elsewhere.
        var missing = new WorkerAddress(silos[1], "sim:1");
        var error = await Assert.ThrowsAnyAsync<Exception>(() => farm.Grains.GetGrain<IDeviceWorkerGrain>(missing.Key).GetLoad());
        Assert.Contains("does not announce device sim:1", error.ToString(), StringComparison.Ordinal);
        var noDevices = new WorkerAddress(silos[0], "cpu");
        await Assert.ThrowsAnyAsync<Exception>(() => farm.Grains.GetGrain<IDeviceWorkerGrain>(noDevices.Key).GetLoad());
    }

    [Fact]
    public async Task Jobs_are_tiled_for_the_smallest_tile_the_devices_announce()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, o => { o.Devices = ["sim:0"]; o.MaxTileSize = 256; }, o => { o.Devices = ["sim:0"]; o.MaxTileSize = 128; }],
            j => j.TileSize = 1000);
        await WaitForWorkers(farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<WorkerDirectory>(), 2);
        var photo = FarmFixtures.Photo("yellow_flower", 400, 300);

        var status = await farm.Grains.GetGrain<Jobs.IRenderJobGrain>(RenderHelpers.NewId("limits")).Submit(
            new Jobs.RenderJobSpec(FarmFixtures.Multi, 400, 300, [Jobs.RegionSpec.Everywhere(Jobs.StyleWeight.Trained("style0"))], photo));

        Assert.Equal(128, status.TileSize);
    }

    /// <summary>Silo metadata reaches other silos shortly after they join.</summary>
    internal static Task<IReadOnlyList<WorkerAddress>> WaitForWorkers(WorkerDirectory directory, int count) =>
        Eventually.Until(directory.ActiveWorkers, w => w.Count >= count, $"{count} active workers", TimeSpan.FromSeconds(10));
}
