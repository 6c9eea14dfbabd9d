using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Gateway.Tests;
using OrleansStyle.Imaging;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// Coordinators keep their bookkeeping in grain storage and their pixels in the spool: a coordinator whose silo dies,
/// or whose activation goes, continues from there. Simulated devices return their input, so a complete result is the
/// photo itself, and renders are counted per tile on the device.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task A_coordinator_whose_silo_is_killed_mid_job_resumes_elsewhere_renders_no_finished_tile_again_and_gives_the_same_bytes()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();

        // Silo 0 watches, silo 1 coordinates (it has no devices, so killing it kills no worker), silo 2 renders.
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, FarmCluster.NoDevices, o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(60); }],
            j => j.MaxInFlightPerWorker = 2,
            redis.ConnectionString);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 1);
        var renders = CountRenders(farm, 2);
        var photo = FarmFixtures.Photo("storm", 480, 360);
        var undisturbed = await RenderPng(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("calm"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1")));

        var request = RenderHelpers.Request(RenderHelpers.NewId("killed"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1"));
        var doomed = farm.Cluster.Silos[1];

        // Submitted from silo 1, the coordinator lives there (it prefers its caller's silo); silo 0 watches it.
        await new FarmRenderClient(doomed.ServiceProvider.GetRequiredService<IGrainFactory>()).SubmitAsync(request);
        using var output = new MemoryStream();
        var watching = new FarmRenderClient(farm.Grains).AttachAsync(request.JobId, output);
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);
        var spool = farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<JobSpool>();
        await Eventually.Until(job.GetStatus, s => s.TilesDone >= 4, "four tiles done", TimeSpan.FromSeconds(30));
        await farm.Cluster.KillSiloAsync(doomed);
        var finishedBeforeKill = spool.Keys(request.JobId).Where(k => k.StartsWith("tile-", StringComparison.Ordinal)).ToList();
        var status = await watching;

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(status.TilesTotal, status.TilesDone);
        Assert.True(status.Resumptions >= 1, $"resumptions {status.Resumptions}"); // the coordinator was lost with its silo and continued on another
        Assert.Equal(undisturbed, output.ToArray()); // byte-identical to the undisturbed render
        Assert.Equal(photo.Data, RenderHelpers.Decode(output.ToArray()).ToPixelBuffer().Data);
        var counts = renders.Where(r => r.Key.Job == request.JobId).ToDictionary(r => r.Key.Tile, r => r.Value);
        Assert.Equal(Enumerable.Range(0, status.TilesTotal), counts.Keys.Order());
        Assert.True(finishedBeforeKill.Count >= 4, $"{finishedBeforeKill.Count} tiles spooled before the kill");
        foreach (var key in finishedBeforeKill)
        {
            Assert.Equal(1, counts[int.Parse(key["tile-".Length..], System.Globalization.CultureInfo.InvariantCulture)]); // finished: never rendered again
        }
    }

    [Fact]
    public async Task A_coordinator_deactivated_mid_job_comes_back_from_its_state_and_finishes_with_the_same_bytes()
    {
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(60); }],
            j => j.MaxInFlightPerWorker = 2);
        var renders = CountRenders(farm, 0);
        var photo = FarmFixtures.Photo("garden", 384, 288);
        var undisturbed = await RenderPng(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("calm"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0")));
        var request = RenderHelpers.Request(RenderHelpers.NewId("moved"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0"));
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);

        var rendering = RenderPng(farm.Grains, request);
        var before = await Eventually.Until(() => CoordinatorTests.TryStatus(job), s => s?.TilesDone >= 3, "three tiles done");
        await farm.Cluster.DeactivateAsync(job);
        var png = await rendering;
        var status = await job.GetStatus(); // a fresh activation, from storage

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(1, status.Resumptions);
        Assert.Equal(undisturbed, png);
        Assert.True(status.TilesDone == status.TilesTotal && before!.TilesTotal == status.TilesTotal);
        var counts = renders.Where(r => r.Key.Job == request.JobId).Select(r => r.Value).ToList();
        Assert.Equal(status.TilesTotal, counts.Count);
        Assert.True(counts.Sum() <= status.TilesTotal + 2, $"{counts.Sum()} renders of {status.TilesTotal} tiles: only the two in flight may run twice");
    }

    [Fact]
    public async Task Collecting_a_result_empties_its_spool_and_keeps_its_status()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("sim:0")]);
        var request = RenderHelpers.Request(RenderHelpers.NewId("collect"), FarmFixtures.Photo("garden", 256, 192), FarmFixtures.Multi, StyleWeight.Trained("style0"));
        var spool = farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<JobSpool>();
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);

        var (_, status) = await RenderHelpers.RenderAsync(farm.Grains, request);
        Assert.Contains("band-000000", spool.Keys(request.JobId));
        Assert.Equal(status.TilesTotal, spool.Keys(request.JobId).Count(k => k.StartsWith("tile-", StringComparison.Ordinal)));
        await job.Collected();

        Assert.Empty(spool.Keys(request.JobId));
        Assert.Equal(JobState.Completed, (await job.GetStatus()).State);
        var gone = await Assert.ThrowsAsync<InvalidJobException>(() => RenderPng(farm.Grains, request with { }, attach: true));
        Assert.Contains("already collected", gone.Message, StringComparison.Ordinal);
        var never = await Assert.ThrowsAsync<JobNotFoundException>(() => farm.Grains.GetGrain<IRenderJobGrain>(RenderHelpers.NewId("never")).GetStatus());
        Assert.DoesNotContain("header", never.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task When_retention_ends_a_collected_jobs_reminder_is_unregistered_and_its_state_cleared()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("sim:0")], j => j.KeepFinishedJobsFor = TimeSpan.FromMilliseconds(1), redis.ConnectionString);
        var services = farm.Cluster.Silos[0].ServiceProvider;
        var reminders = services.GetRequiredService<IReminderTable>();
        var storage = services.GetRequiredKeyedService<IGrainStorage>(FarmStorage.Jobs);
        var request = RenderHelpers.Request(RenderHelpers.NewId("retained"), FarmFixtures.Photo("garden", 192, 128), FarmFixtures.Multi, StyleWeight.Trained("style0"));
        var job = farm.Grains.GetGrain<IRenderJobGrain>(request.JobId);
        var grainId = job.GetGrainId();

        await RenderHelpers.RenderAsync(farm.Grains, request);
        await job.Collected();
        var before = await StoredAsync(storage, grainId);
        var registered = (await reminders.ReadRows(grainId)).Reminders.Select(r => r.ReminderName).ToList();

        // The reminder's tick, as the reminder service delivers it (its period is a minute): retention has ended.
        await farm.Grains.GetGrain<IRemindable>(grainId).ReceiveReminder("render-job", new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));

        Assert.True(before.RecordExists && before.State?.Collected == true, "the collected job's state was stored");
        Assert.Equal(["render-job"], registered);
        Assert.Empty((await reminders.ReadRows(grainId)).Reminders);
        Assert.False((await StoredAsync(storage, grainId)).RecordExists);
        Assert.Empty(farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<JobSpool>().Keys(request.JobId));
        await Assert.ThrowsAsync<JobNotFoundException>(() => job.GetStatus()); // the id is free again
    }

    private static async Task<GrainState<RenderJobState>> StoredAsync(IGrainStorage storage, GrainId grainId)
    {
        var stored = new GrainState<RenderJobState>();
        await storage.ReadStateAsync("render", grainId, stored);
        return stored;
    }

    private static ConcurrentDictionary<(string Job, int Tile), int> CountRenders(FarmCluster farm, int silo)
    {
        var counts = new ConcurrentDictionary<(string Job, int Tile), int>();
        var devices = farm.Cluster.Silos[silo].ServiceProvider.GetRequiredService<DeviceServices>();
        foreach (var device in devices.Devices)
        {
            devices[device.Id].TileRendered += work => counts.AddOrUpdate((work.JobId, work.TileIndex), 1, (_, n) => n + 1);
        }

        return counts;
    }

    private static async Task<byte[]> RenderPng(IGrainFactory grains, FarmRenderRequest request, bool attach = false)
    {
        using var output = new MemoryStream();
        var client = new FarmRenderClient(grains);
        await (attach ? client.AttachAsync(request.JobId, output, OutputFormat.Png) : client.RenderAsync(request, output, OutputFormat.Png));
        return output.ToArray();
    }
}
