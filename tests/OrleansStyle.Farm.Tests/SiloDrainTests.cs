using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Draining;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// A device silo stopped gracefully in the middle of a render (what SIGTERM does to a standalone silo): its devices
/// take no new tiles, finish or hand back the ones they hold, and the job completes elsewhere without a failed tile.
/// </summary>
public sealed class SiloDrainTests
{
    [Theory]
    [InlineData(30_000)] // every accepted tile finishes within the grace period
    [InlineData(1)] // the grace period ends at once: accepted tiles are handed back and rendered elsewhere
    public async Task Stopping_a_device_silo_mid_render_completes_the_job_without_a_failed_tile(int graceMilliseconds)
    {
        // Simulated devices return their input, so a complete result is the photo itself, pixel for pixel.
        await using var farm = await FarmCluster.StartAsync(
            [
                FarmCluster.NoDevices,
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(20); },
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromSeconds(1); },
            ],
            j => j.MaxInFlightPerWorker = 4,
            configure: (index, silo) => silo.Services.Configure<DrainOptions>(d => d.GracePeriod = TimeSpan.FromMilliseconds(graceMilliseconds)));
        var workers = await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var leaving = farm.Cluster.Silos[2];
        var worker = farm.Grains.GetGrain<IDeviceWorkerGrain>(workers.Single(w => w.Silo == leaving.SiloAddress.ToParsableString()).Key);
        var photo = FarmFixtures.Photo("storm", 480, 360);
        var request = RenderHelpers.Request(RenderHelpers.NewId("drained"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1"));
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);

        var render = RenderHelpers.RenderAsync(farm.Grains, request);
        var before = await Eventually.Until(
            async () => (Status: await CoordinatorTests.TryStatus(job), Load: await worker.GetLoad()),
            o => o.Status?.TilesDone > 0 && o.Load.Queued > 1,
            "a tile done and tiles queued on the leaving silo",
            TimeSpan.FromSeconds(30));
        var drain = leaving.ServiceProvider.GetRequiredService<SiloDrain>();
        var device = leaving.ServiceProvider.GetRequiredService<DeviceServices>().Queues.Single();
        var held = device.Load;
        await farm.Cluster.StopSiloAsync(leaving);
        var left = device.Load;
        var (image, status) = await render;

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(status.TilesTotal, status.TilesDone);
        Assert.True(status.Retries == 0, $"{status.Retries} tiles failed; the leaving silo held {before.Load.Queued} when it was stopped");
        Assert.Equal(photo.Data, image.ToPixelBuffer().Data);
        if (graceMilliseconds > 1000)
        {
            Assert.True(left.TilesRendered >= held.TilesRendered + held.Queued, $"the leaving silo rendered {left.TilesRendered - held.TilesRendered} of the {held.Queued} tiles it held");
        }
        else
        {
            // Tiles take a second each: with no grace the held ones went back to the coordinator instead.
            Assert.True(left.TilesRendered < held.TilesRendered + held.Queued, $"the leaving silo rendered all {held.Queued} tiles it held");
        }

        Assert.True(drain.IsDraining);
    }
}
