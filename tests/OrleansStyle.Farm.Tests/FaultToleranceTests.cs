using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

public sealed class FaultToleranceTests
{
    [Fact]
    public async Task Killing_a_worker_silo_with_tiles_in_flight_retries_them_elsewhere_and_completes_every_tile()
    {
        // Simulated devices return their input, so a complete result is the photo itself, pixel for pixel. The doomed
        // silo takes seconds per tile while the other takes milliseconds: once a tile is done the doomed silo holds
        // tiles that cannot have finished yet, and the kill must interrupt them (fast tiles could be answered before
        // the kill lands, leaving nothing to retry).
        await using var farm = await FarmCluster.StartAsync(
            [
                FarmCluster.NoDevices,
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(20); },
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromSeconds(5); },
            ],
            j => j.MaxInFlightPerWorker = 2);
        var workers = await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var doomedSilo = farm.Cluster.Silos[2];
        var doomed = farm.Grains.GetGrain<IDeviceWorkerGrain>(workers.Single(w => w.Silo == doomedSilo.SiloAddress.ToParsableString()).Key);
        var photo = FarmFixtures.Photo("storm", 480, 360);
        var request = RenderHelpers.Request(RenderHelpers.NewId("killed"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1"));
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);

        var render = RenderHelpers.RenderAsync(farm.Grains, request);
        // A tile done first: before that the doomed queue may hold the job's statistics capture, which is not a tile.
        var before = await Eventually.Until(
            async () => (Status: await CoordinatorTests.TryStatus(job), Load: await doomed.GetLoad()),
            o => o.Status?.TilesDone > 0 && o.Load.Queued > 0,
            "a tile done and tiles in flight on the doomed silo",
            TimeSpan.FromSeconds(30));
        await farm.Cluster.KillSiloAsync(doomedSilo);
        var (image, status) = await render;

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(status.TilesTotal, status.TilesDone);
        Assert.True(status.Retries > 0, $"no retries after killing a silo that held {before.Load.Queued} tile(s) with {before.Status!.TilesDone} of {status.TilesTotal} done");
        Assert.Equal(photo.Data, image.ToPixelBuffer().Data); // every tile came back, each in its place
    }
}
