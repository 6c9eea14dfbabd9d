using System.Collections.Immutable;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
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
            video: v => { v.SpoolDirectory = _spool; v.MaxFramesInFlight = 6; });
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
        await using (var first = await FarmCluster.StartAsync([device], video: v => v.SpoolDirectory = _spool))
        {
            // The first run gets only the first 10 frames before its whole farm goes away.
            var job = first.Grains.GetGrain<IVideoJobGrain>(jobId);
            await job.Submit(Spec("a"));
            await Feed(job, frames, Enumerable.Range(0, 10), end: false);
            heldAtDeath = (await Eventually.Until(job.GetStatus, s => s.FramesDone == 10, "the first 10 frames on disk")).FramesDone;
        }

        await using var second = await FarmCluster.StartAsync([device], video: v => v.SpoolDirectory = _spool);
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

        await resumed.Release();
        Assert.False(Directory.Exists(Path.Combine(_spool, jobId)), "the frames stay on disk after the caller released the job");
    }

    [Fact]
    public async Task A_job_id_resumed_with_another_request_is_refused_and_its_frames_are_kept()
    {
        var jobId = RenderHelpers.NewId("video-other");
        Action<DeviceOptions> device = o => o.Devices = ["sim:0"];
        await using (var first = await FarmCluster.StartAsync([device], video: v => v.SpoolDirectory = _spool))
        {
            var job = first.Grains.GetGrain<IVideoJobGrain>(jobId);
            await job.Submit(Spec("a"));
            await Feed(job, Clip(), [0], end: false);
            await Eventually.Until(job.GetStatus, s => s.FramesDone == 1, "frame 0 on disk");
        }

        await using var second = await FarmCluster.StartAsync([device], video: v => v.SpoolDirectory = _spool);
        var error = await Assert.ThrowsAsync<JobIdInUseException>(() => second.Grains.GetGrain<IVideoJobGrain>(jobId).Submit(Spec("b")));

        Assert.Contains("different video request", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_spool, jobId, "000000.rgb")));
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
