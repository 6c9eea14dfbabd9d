using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Farm.Tests;

/// <summary>The coordinator silo's video instruments, read as an exporter would (a <see cref="MeterListener"/> on that silo's <see cref="FarmMetrics"/>).</summary>
public sealed class VideoMetricsTests
{
    [Fact]
    public async Task A_video_job_reports_its_frames_the_frames_in_flight_and_the_job_while_it_runs()
    {
        await using var farm = await FarmCluster.StartAsync([o => { o.Devices = ["sim:0"]; o.SimulatedLatency = TimeSpan.FromMilliseconds(5); }]);
        using var readings = new Readings(farm.Cluster.Silos[0].ServiceProvider.GetRequiredService<FarmMetrics>());
        var frames = Enumerable.Range(0, 6).Select(_ => FarmFixtures.Photo("garden", 32, 24)).ToArray();
        var job = farm.Grains.GetGrain<IVideoJobGrain>(RenderHelpers.NewId("video-metrics"));

        await job.Submit(new VideoJobSpec(FarmFixtures.Multi, 32, 24, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], Keyframes: null) { Fingerprint = "metrics" });
        Assert.Equal(1, readings.Sum("orleansstyle.video.jobs"));
        for (var i = 0; i < frames.Length; i++)
        {
            await job.AppendFrame(i, frames[i]);
        }

        await job.EndOfFrames(frames.Length);
        await Eventually.Until(job.GetStatus, s => s.IsFinished, "the job finished");

        Assert.Equal(6, readings.Sum("orleansstyle.video.frames", ("source", "rendered"), ("model", FarmFixtures.Multi)));
        Assert.Equal(0, readings.Sum("orleansstyle.video.frames", ("source", "resumed")));
        Assert.InRange(readings.Peak("orleansstyle.video.frames.in_flight"), 1, 6);
        Assert.Equal(0, readings.Sum("orleansstyle.video.frames.in_flight"));
        Assert.Equal(0, readings.Sum("orleansstyle.video.jobs"));
        Assert.Equal(1, readings.Sum("orleansstyle.video.jobs.finished", ("state", "completed")));
    }

    /// <summary>Every measurement of the video instruments of one <see cref="FarmMetrics"/>, with running totals per instrument.</summary>
    private sealed class Readings : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();
        private readonly ConcurrentDictionary<string, (long Total, long Peak)> _totals = new();

        public Readings(FarmMetrics metrics)
        {
            Instrument[] video = [metrics.VideoFrames, metrics.VideoFramesInFlight, metrics.VideoJobs, metrics.VideoJobsFinished];
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (video.Any(v => ReferenceEquals(v, instrument)))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                _measurements.Enqueue((instrument.Name, value, tags.ToArray()));
                _totals.AddOrUpdate(instrument.Name, (value, Math.Max(0, value)), (_, t) => (t.Total + value, Math.Max(t.Peak, t.Total + value)));
            });
            _listener.Start();
        }

        public long Sum(string instrument, params (string Key, string Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value)))).Sum(m => m.Value);

        public long Peak(string instrument) => _totals.TryGetValue(instrument, out var t) ? t.Peak : 0;

        public void Dispose() => _listener.Dispose();
    }
}
