using OrleansStyle.Farm.Jobs;
using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Farm.Tests;

public sealed class FaultToleranceTests
{
    [Fact]
    public async Task Killing_a_worker_silo_mid_job_still_completes_it_with_the_uninterrupted_result()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, FarmCluster.Devices("cpu"), FarmCluster.Devices("cpu")],
            j => j.MaxInFlightPerWorker = 2);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var photo = FarmFixtures.Photo("storm", 480, 360);
        RenderRequest Request(string id) => new(RenderHelpers.Request(id, photo, FarmFixtures.Multi, StyleWeight.Trained("style1")));

        var (reference, _) = await RenderHelpers.RenderAsync(farm.Grains, Request(RenderHelpers.NewId("before")).Value);

        var request = Request(RenderHelpers.NewId("killed")).Value;
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);
        var render = RenderHelpers.RenderAsync(farm.Grains, request);
        await CoordinatorTests.WaitUntil(async () => (await CoordinatorTests.TryStatus(job))?.TilesDone >= 3);
        await farm.Cluster.KillSiloAsync(farm.Cluster.Silos[2]);
        var (image, status) = await render;

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.Retries > 0 || status.TilesDone == status.TilesTotal);
        var psnr = StylisationQuality.Psnr(image, reference);
        Assert.True(psnr >= 50, $"interrupted vs uninterrupted PSNR {psnr:F1} dB");
    }

    private sealed record RenderRequest(Client.FarmRenderRequest Value);
}
