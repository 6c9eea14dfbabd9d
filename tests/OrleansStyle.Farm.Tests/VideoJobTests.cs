using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Video;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// The video coordinator on an in-process cluster. Simulated devices return their input, so a frame that comes back
/// equal to the frame sent under its index proves it arrived, in its place.
/// </summary>
public sealed class VideoJobTests : IDisposable
{
    private const int Width = 64;
    private const int Height = 48;
    private const int Frames = 24;

    private readonly string _spool = Directory.CreateTempSubdirectory("orleans-style-video-spool-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    [Fact]
    public async Task Killing_a_worker_silo_mid_video_retries_its_frames_elsewhere_and_every_frame_arrives_in_order()
    {
        // The doomed silo takes seconds per frame, the other milliseconds: once a frame is done the doomed silo holds
        // frames that cannot have finished yet, and the kill must interrupt them.
        await using var farm = await FarmCluster.StartAsync(
            [
                FarmCluster.NoDevices,
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromMilliseconds(20); },
                o => { o.Devices = ["sim:0"]; o.MaxBatch = 1; o.SimulatedLatency = TimeSpan.FromSeconds(5); },
            ],
            j => j.MaxInFlightPerWorker = 2,
            video: v => v.MaxFramesInFlight = 6);
        var workers = await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var doomedSilo = farm.Cluster.Silos[2];
        var doomed = farm.Grains.GetGrain<IDeviceWorkerGrain>(workers.Single(w => w.Silo == doomedSilo.SiloAddress.ToParsableString()).Key);
        var frames = Clip();
        var job = farm.Grains.GetGrain<IVideoJobGrain>(RenderHelpers.NewId("video-killed"));
        await job.Submit(Spec("a"));

        var feed = Feed(job, frames, Enumerable.Range(0, Frames));
        var collect = Collect(job);
        var before = await Eventually.Until(
            async () => (Status: await job.GetStatus(), Load: await doomed.GetLoad()),
            o => o.Status.FramesDone > 0 && o.Load.Queued > 0,
            "a frame done and frames in flight on the doomed silo",
            TimeSpan.FromSeconds(30));
        await farm.Cluster.KillSiloAsync(doomedSilo);
        await feed;
        var (received, status) = await collect;

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.Retries > 0, $"no retries after killing a silo that held {before.Load.Queued} frame(s)");
        Assert.Equal(Enumerable.Range(0, Frames), received.Select(r => r.Index));
        Assert.All(received, r => Assert.Equal(frames[r.Index].Data, r.Pixels.Data));
        Assert.Equal((Frames, Frames, 0), (status.FramesDone, status.FramesRendered, status.FramesResumed));
    }

    [Fact]
    public async Task A_job_submitted_again_after_its_farm_died_renders_only_the_frames_it_had_not_finished()
    {
        var jobId = RenderHelpers.NewId("video-resume");
        var frames = Clip();
        Action<DeviceOptions> device = o => { o.Devices = ["sim:0"]; o.SimulatedLatency = TimeSpan.FromMilliseconds(5); };
        int heldAtDeath;
        await using (var first = await FarmCluster.StartAsync([device], spoolPath: _spool))
        {
            // The first run gets only the first 10 frames before its whole farm goes away.
            var job = first.Grains.GetGrain<IVideoJobGrain>(jobId);
            await job.Submit(Spec("a"));
            await Feed(job, frames, Enumerable.Range(0, 10), end: false);
            heldAtDeath = (await Eventually.Until(job.GetStatus, s => s.FramesDone == 10, "the first 10 frames on disk")).FramesDone;
        }

        await using var second = await FarmCluster.StartAsync([device], spoolPath: _spool);
        var resumed = second.Grains.GetGrain<IVideoJobGrain>(jobId);
        var accepted = await resumed.Submit(Spec("a"));
        await Feed(resumed, frames, Enumerable.Range(0, Frames));
        var (received, status) = await Collect(resumed);

        Assert.Equal(10, heldAtDeath);
        Assert.Equal(10, accepted.FramesResumed);
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(Frames - 10, status.FramesRendered);
        Assert.All(received, r => Assert.Equal(frames[r.Index].Data, r.Pixels.Data));
        Assert.Equal(Frames, received.Count);

        var spool = second.Cluster.Silos[0].ServiceProvider.GetRequiredService<JobSpool>();
        Assert.NotEmpty(spool.Keys(SpoolFrameStore.SpoolJobId(jobId)));
        await resumed.Release();
        Assert.Empty(spool.Keys(SpoolFrameStore.SpoolJobId(jobId))); // the frames go once the caller has its result
    }

    [Fact]
    public async Task A_job_id_resumed_with_another_request_is_refused_and_its_frames_are_kept()
    {
        var jobId = RenderHelpers.NewId("video-other");
        Action<DeviceOptions> device = o => o.Devices = ["sim:0"];
        await using (var first = await FarmCluster.StartAsync([device], spoolPath: _spool))
        {
            var job = first.Grains.GetGrain<IVideoJobGrain>(jobId);
            await job.Submit(Spec("a"));
            await Feed(job, Clip(), [0], end: false);
            await Eventually.Until(job.GetStatus, s => s.FramesDone == 1, "frame 0 on disk");
        }

        await using var second = await FarmCluster.StartAsync([device], spoolPath: _spool);
        var error = await Assert.ThrowsAsync<JobIdInUseException>(() => second.Grains.GetGrain<IVideoJobGrain>(jobId).Submit(Spec("b")));

        Assert.Contains("different video request", error.Message, StringComparison.Ordinal);
        Assert.True(second.Cluster.Silos[0].ServiceProvider.GetRequiredService<JobSpool>().Exists(SpoolFrameStore.SpoolJobId(jobId), SpoolFrameStore.FrameKey(0)));
    }

    [Fact]
    public async Task Frames_larger_than_the_devices_tile_limit_are_cut_into_tiles_and_come_back_whole()
    {
        // The simulated device announces 64-px tiles: each 160×96 frame becomes several windows with context and
        // feathered overlaps, and returns assembled. Simulated devices return their input, so the frame is the original.
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0", "sim:1"]; o.MaxTileSize = 64; o.SimulatedLatency = TimeSpan.FromMilliseconds(2); }],
            spoolPath: _spool);
        var workers = await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var photo = FarmFixtures.Photo("garden", 160, 96);
        var frames = Enumerable.Range(0, 4).Select(_ => photo).ToArray();
        var job = farm.Grains.GetGrain<IVideoJobGrain>(RenderHelpers.NewId("video-tiled"));
        await job.Submit(new VideoJobSpec(FarmFixtures.Multi, 160, 96, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], Keyframes: photo) { Fingerprint = "tiled" });

        await Feed(job, frames, Enumerable.Range(0, frames.Length));
        var (received, status) = await Collect(job);

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(Enumerable.Range(0, 4), received.Select(r => r.Index));
        var tiles = 0L;
        foreach (var worker in workers)
        {
            tiles += (await farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad()).TilesRendered;
        }

        Assert.True(tiles >= 4 * 4, $"{tiles} tiles rendered for 4 frames: the frames were not cut into tiles");
        Assert.All(received, r => Assert.True(
            r.Pixels.Data.Zip(photo.Data, (a, b) => Math.Abs(a - b)).Max() <= 1,
            $"frame {r.Index} differs from the frame sent by more than rounding"));
    }

    [Fact]
    public async Task A_frame_wider_than_the_devices_tile_limit_but_with_fewer_pixels_goes_whole()
    {
        // The limit bounds a pass's memory, which grows with pixels: 80×48 (3,840 px) is under a 64-px square's 4,096,
        // so each frame is one window, where a long-side rule would cut it into tiles.
        await using var farm = await FarmCluster.StartAsync(
            [o => { o.Devices = ["sim:0"]; o.MaxTileSize = 64; o.SimulatedLatency = TimeSpan.FromMilliseconds(2); }]);
        var worker = (await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 1)).Single();
        var photo = FarmFixtures.Photo("garden", 80, 48);
        var frames = Enumerable.Range(0, 4).Select(_ => photo).ToArray();
        var job = farm.Grains.GetGrain<IVideoJobGrain>(RenderHelpers.NewId("video-whole"));
        await job.Submit(new VideoJobSpec(FarmFixtures.Multi, 80, 48, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], Keyframes: photo) { Fingerprint = "whole" });

        await Feed(job, frames, Enumerable.Range(0, frames.Length));
        var (received, status) = await Collect(job);

        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(4, (await farm.Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad()).TilesRendered);
        Assert.All(received, r => Assert.Equal(photo.Data, r.Pixels.Data));
    }

    private static VideoJobSpec Spec(string fingerprint) =>
        new(FarmFixtures.Multi, Width, Height, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], Keyframes: null)
        {
            ExpectedFrames = Frames,
            Fingerprint = fingerprint,
        };

    /// <summary>Frames that differ from each other: a photo with a bright bar at a different row in each.</summary>
    private static PixelBuffer[] Clip()
    {
        var photo = FarmFixtures.Photo("garden", Width, Height);
        return [.. Enumerable.Range(0, Frames).Select(i =>
        {
            var data = (byte[])photo.Data.Clone();
            Array.Fill(data, (byte)255, i * 2 * Width * 3, Width * 3);
            return new PixelBuffer(Width, Height, 3, data);
        })];
    }

    private static async Task Feed(IVideoJobGrain job, PixelBuffer[] frames, IEnumerable<int> indices, bool end = true)
    {
        foreach (var i in indices)
        {
            await job.AppendFrame(i, frames[i]);
        }

        if (end)
        {
            await job.EndOfFrames(frames.Length);
        }
    }

    private static async Task<(List<VideoFrameReady> Frames, VideoJobStatus Status)> Collect(IVideoJobGrain job)
    {
        var frames = new List<VideoFrameReady>();
        await foreach (var item in job.Watch(0).WithBatchSize(2))
        {
            switch (item)
            {
                case VideoFrameReady frame:
                    frames.Add(frame);
                    break;
                case VideoFinished finished:
                    return (frames, finished.Status);
            }
        }

        throw new InvalidOperationException("The watch ended without VideoFinished.");
    }
}
