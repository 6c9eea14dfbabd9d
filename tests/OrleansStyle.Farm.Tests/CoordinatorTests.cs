using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

/// <summary>Routing, overload, cancellation and validation, on simulated devices (identity renders, fixed latency).</summary>
public sealed class CoordinatorTests
{
    [Fact]
    public async Task Overloaded_workers_refuse_tiles_but_the_job_still_delivers_every_tile()
    {
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.QueueCapacity = 2; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(10); }],
            j => { j.MaxInFlightPerWorker = 8; j.OverloadBackoff = TimeSpan.FromMilliseconds(20); });
        var photo = FarmFixtures.Photo("storm", 384, 288);
        using var refusals = RefusalCounter.For(farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<FarmMetrics>());

        var (image, status) = await RenderHelpers.RenderAsync(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("busy"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0")));

        Assert.Equal(JobState.Completed, status.State);
        // Eight tiles in flight against a queue of two: the worker must have refused some, and the job resent them.
        Assert.True(refusals.Count > 0, $"the worker refused no tile of {status.TilesTotal}");
        Assert.Equal(0, status.Retries); // refusals are not failures
        Assert.Equal(photo.Data, image.ToPixelBuffer().Data); // simulated devices return their input: every pixel came back
    }

    [Fact]
    public async Task Concurrent_jobs_share_batches_on_a_device()
    {
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.MaxBatch = 8; o.MaxQueueDelay = TimeSpan.FromMilliseconds(40); o.SimulatedLatency = TimeSpan.FromMilliseconds(30); }]);
        var photo = FarmFixtures.Photo("ladybird", 288, 192);

        var jobs = Enumerable.Range(0, 2).Select(i =>
            RenderHelpers.RenderAsync(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId($"batch{i}"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0"))));
        var results = await Task.WhenAll(jobs);

        Assert.All(results, r => Assert.Equal(JobState.Completed, r.Status.State));
        var worker = (await PlacementTests.WaitForWorkers(Directory(farm), 1)).Single();
        var load = await farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad();
        Assert.True(load.LargestBatch > 1, $"largest batch {load.LargestBatch}");
    }

    [Fact]
    public async Task Cancelling_a_job_stops_it_using_the_device()
    {
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(100); }]);
        var photo = FarmFixtures.Photo("garden", 480, 384);
        var request = RenderHelpers.Request(RenderHelpers.NewId("cancel"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0"));
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);

        var render = RenderHelpers.RenderAsync(farm.Grains, request);
        await Eventually.Until(() => TryStatus(job), s => s?.TilesDone >= 2, "two tiles done");
        await job.Cancel("test");

        var failure = await Assert.ThrowsAsync<FarmJobFailedException>(() => render);
        Assert.Equal(JobState.Cancelled, failure.Status.State);
        Assert.True(failure.Status.TilesDone < failure.Status.TilesTotal);
        var worker = Directory(farm).ActiveWorkers().Single();
        var device = farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key);
        await Eventually.Until(device.GetLoad, l => l.Queued == 0, "the device to empty after the cancel");
        var rendered = (await device.GetLoad()).TilesRendered;

        // A job that kept dispatching would add tiles while another job runs: instead of waiting for nothing to happen,
        // run a second job to completion and find the device rendered exactly its tiles.
        var (_, next) = await RenderHelpers.RenderAsync(
            farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("after"), FarmFixtures.Photo("garden", 160, 128), FarmFixtures.Multi, StyleWeight.Trained("style0")));
        Assert.Equal(JobState.Completed, next.State);
        Assert.Equal(rendered + next.TilesTotal, (await device.GetLoad()).TilesRendered);
    }

    [Fact]
    public async Task A_job_past_its_deadline_fails_and_says_so()
    {
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(100); }]);
        var photo = FarmFixtures.Photo("garden", 480, 384);
        var request = RenderHelpers.Request(RenderHelpers.NewId("late"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0"))
            with { Deadline = DateTimeOffset.UtcNow.AddMilliseconds(600) };

        var failure = await Assert.ThrowsAsync<FarmJobFailedException>(() => RenderHelpers.RenderAsync(farm.Grains, request));

        Assert.Equal(JobState.Failed, failure.Status.State);
        Assert.Contains("deadline", failure.Status.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Bad_jobs_are_refused_with_a_reason_and_a_bad_band_loses_nothing_accepted()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("sim:0")]);
        var photo = FarmFixtures.Photo("garden", 128, 96);
        var regions = (RegionSpec[])[RegionSpec.Everywhere(StyleWeight.Trained("style0"))];

        var unknown = await Assert.ThrowsAsync<ModelNotFoundException>(() =>
            farm.Grains.GetGrain<IRenderJobGrain>(RenderHelpers.NewId("bad")).Submit(new RenderJobSpec("no-such-model", 128, 96, [.. regions], photo)));
        Assert.Contains(FarmFixtures.Multi, unknown.Message, StringComparison.Ordinal);

        var squareMask = new PixelBuffer(50, 50, 1, new byte[2500]);
        var aspect = await Assert.ThrowsAsync<InvalidJobException>(() =>
            farm.Grains.GetGrain<IRenderJobGrain>(RenderHelpers.NewId("bad")).Submit(
                new RenderJobSpec(FarmFixtures.Multi, 128, 96, [new RegionSpec([StyleWeight.Trained("style0")], squareMask)], photo)));
        Assert.Contains("aspect ratio", aspect.Message, StringComparison.Ordinal);

        var job = farm.Grains.GetGrain<IRenderJobGrain>(RenderHelpers.NewId("bands"));
        await job.Submit(new RenderJobSpec(FarmFixtures.Multi, 128, 96, [.. regions], photo));
        await job.AppendSource(new SourceBand(0, photo.Crop(new PixelRect(0, 0, 128, 48))));
        var wrongWidth = await Assert.ThrowsAsync<InvalidJobException>(() =>
            job.AppendSource(new SourceBand(48, photo.Crop(new PixelRect(0, 48, 64, 48)))));
        Assert.Contains("128 pixels wide", wrongWidth.Message, StringComparison.Ordinal);
        var status = await job.AppendSource(new SourceBand(48, photo.Crop(new PixelRect(0, 48, 128, 48))));
        Assert.NotEqual(JobState.Receiving, status.State);
        var done = await WaitFinished(job);
        Assert.Equal(JobState.Completed, done.State);
    }

    [Fact]
    public async Task Tiles_spread_over_every_worker_of_the_cluster()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, o => { o.Devices = ["sim:0", "sim:1"]; o.MaxBatch = 1; }, o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; }],
            j => j.MaxInFlightPerWorker = 2);
        var workers = await PlacementTests.WaitForWorkers(Directory(farm), 3);
        var photo = FarmFixtures.Photo("dune", 480, 360);

        var (_, status) = await RenderHelpers.RenderAsync(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("spread"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0")));

        Assert.Equal(JobState.Completed, status.State);
        foreach (var worker in workers)
        {
            var load = await farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad();
            Assert.True(load.TilesRendered >= status.TilesTotal / 6, $"{worker} rendered {load.TilesRendered} of {status.TilesTotal}");
        }
    }

    internal static WorkerDirectory Directory(FarmCluster farm) => farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<WorkerDirectory>();

    /// <summary>The job's status, or null while the client has not submitted it yet.</summary>
    internal static async Task<JobStatus?> TryStatus(IRenderJobGrain job)
    {
        try
        {
            return await job.GetStatus();
        }
        catch (InvalidJobException)
        {
            return null;
        }
    }

    internal static async Task<JobStatus> WaitFinished(IRenderJobGrain job)
    {
        return await Eventually.Until(job.GetStatus, s => s.IsFinished, $"job {job.GetPrimaryKeyString()} to finish");
    }
}
