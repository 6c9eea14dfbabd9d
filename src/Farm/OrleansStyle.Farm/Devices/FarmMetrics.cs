using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// The farm's instruments (meter <c>OrleansStyle.Farm</c>), named after Triton's: tiles are its inferences, device
/// queues its scheduler queues. Prometheus names follow from these (dots become underscores, units become suffixes:
/// <c>orleansstyle.queue.duration</c> in seconds is <c>orleansstyle_queue_duration_seconds</c>, counters end in
/// <c>_total</c>); <c>docs/observability.md</c> lists them.
/// </summary>
public sealed class FarmMetrics : IDisposable
{
    public const string MeterName = "OrleansStyle.Farm";

    // Seconds, from a millisecond batch to a long optimisation tile; the default buckets stop at 10 s.
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<DeviceQueue, byte> _queues = new();

    public FarmMetrics(IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        Tiles = _meter.CreateCounter<long>(
            "orleansstyle.tiles", "{tile}", "Tiles a device finished, by device, model and status (rendered, rejected, failed, cancelled).");
        QueueDuration = _meter.CreateHistogram(
            "orleansstyle.queue.duration", "s", "Time a tile waited in its device's queue before its batch started, by device and model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        ComputeDuration = _meter.CreateHistogram(
            "orleansstyle.compute.duration", "s", "Time one batch held its device, by device and model.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        BatchSize = _meter.CreateHistogram<int>(
            "orleansstyle.batch.size", "{tile}", "Tiles per forward pass, by device and model.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });
        ModelHits = _meter.CreateCounter<long>("orleansstyle.model.hits", "{model}", "Tiles whose model was already on the device.");
        ModelLoads = _meter.CreateCounter<long>("orleansstyle.model.loads", "{model}", "Models loaded onto a device.");
        ModelEvictions = _meter.CreateCounter<long>("orleansstyle.model.evictions", "{model}", "Models dropped from a device to make room.");
        Jobs = _meter.CreateUpDownCounter<long>("orleansstyle.jobs", "{job}", "Jobs that have not finished, by state (receiving, running).");
        JobsFinished = _meter.CreateCounter<long>("orleansstyle.jobs.finished", "{job}", "Jobs that ended, by state (completed, failed, cancelled).");
        VideoFrames = _meter.CreateCounter<long>(
            "orleansstyle.video.frames", "{frame}", "Video frames a coordinator holds finished, by model and source (rendered, resumed from the spool); its rate is frames/s.");
        VideoFramesInFlight = _meter.CreateUpDownCounter<long>(
            "orleansstyle.video.frames.in_flight", "{frame}", "Video frames taken into the coordinators' windows and not yet finished.");
        VideoJobs = _meter.CreateUpDownCounter<long>("orleansstyle.video.jobs", "{job}", "Video jobs running.");
        VideoJobsFinished = _meter.CreateCounter<long>("orleansstyle.video.jobs.finished", "{job}", "Video jobs that ended, by state (completed, failed, cancelled).");
        _meter.CreateObservableGauge(
            "orleansstyle.queue.depth", () => Measure(q => q.Depth), "{tile}", "Tiles waiting or running on a device: what the autoscaler scales on.");
        _meter.CreateObservableGauge(
            "orleansstyle.queue.capacity", () => Measure(q => q.Capacity), "{tile}", "Tiles a device accepts before it refuses more.");
        _meter.CreateObservableCounter(
            "orleansstyle.device.busy.time", () => Measure(q => q.BusyTime.TotalSeconds), "s",
            "Seconds a device spent running batches; its rate is the device's busy fraction.");
        _meter.CreateObservableGauge(
            "orleansstyle.model.cache.size", () => Measure(q => q.ModelBytes), "By", "Bytes of model weights held on a device.");
    }

    public Counter<long> Tiles { get; }

    public Histogram<double> QueueDuration { get; }

    public Histogram<double> ComputeDuration { get; }

    public Histogram<int> BatchSize { get; }

    public Counter<long> ModelHits { get; }

    public Counter<long> ModelLoads { get; }

    public Counter<long> ModelEvictions { get; }

    public UpDownCounter<long> Jobs { get; }

    public Counter<long> JobsFinished { get; }

    public Counter<long> VideoFrames { get; }

    public UpDownCounter<long> VideoFramesInFlight { get; }

    public UpDownCounter<long> VideoJobs { get; }

    public Counter<long> VideoJobsFinished { get; }

    public static KeyValuePair<string, object?> SourceTag(string source) => new("source", source);

    public static KeyValuePair<string, object?> DeviceTag(string device) => new("device", device);

    public static KeyValuePair<string, object?> ModelTag(string model) => new("model", model);

    public static KeyValuePair<string, object?> StatusTag(string status) => new("status", status);

    public static KeyValuePair<string, object?> StateTag(JobState state) => new("state", state switch
    {
        JobState.Receiving => "receiving",
        JobState.Running => "running",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => state.ToString().ToLowerInvariant(),
    });

    /// <summary>Reports <paramref name="queue"/>'s depth, busy time and model bytes until it is disposed.</summary>
    public void Observe(DeviceQueue queue) => _queues.TryAdd(queue, 0);

    public void Forget(DeviceQueue queue) => _queues.TryRemove(queue, out _);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<T>> Measure<T>(Func<DeviceQueue, T> read)
        where T : struct =>
        [.. _queues.Keys.Select(q => new Measurement<T>(read(q), DeviceTag(q.Device.Id)))];
}
