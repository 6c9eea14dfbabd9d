using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Video;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Bench;

/// <summary>
/// Video throughput on one embedded silo, side by side in one run: the devices alone (every frame of the clip, decoded
/// beforehand, sent straight to the workers as the coordinator sends it: whole-frame tiles with the clip's frozen
/// statistics, the same number in flight) against the whole pipeline (ffmpeg decode, coordinator, frame spool,
/// in-order encode to H.264). Devices alone runs before and after the pipeline, so drift on a shared machine shows.
/// Each pass is also measured after its first frame, which leaves out the pipeline's fixed start per clip (keyframe
/// sheet, the statistics' capture on the device).
/// </summary>
internal static class VideoBenchmark
{
    public static async Task Throughput(string modelPath, string clip, string style, int rounds = 1)
    {
        var info = await VideoProbe.ProbeAsync(clip);
        var (width, height) = (info.Width & ~1, info.Height & ~1);
        var name = Path.GetFileNameWithoutExtension(modelPath);
        var spool = Directory.CreateTempSubdirectory("orleans-style-bench-spool-").FullName;
        var output = Path.Combine(spool, "out.mp4");
        await using var farm = await EmbeddedFarm.StartAsync(
            devices: d => d.Devices = ["cpu"],
            models: m => m.Directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        var window = farm.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<VideoOptions>>().Value.MaxFramesInFlight;
        var worker = farm.Grains.GetGrain<IDeviceWorkerGrain>(farm.Services.GetRequiredService<WorkerDirectory>().ActiveWorkers().Single().Key);
        var regions = System.Collections.Immutable.ImmutableArray.Create(RegionSpec.Everywhere(StyleWeight.Trained(style)));

        var frames = new List<byte[]>();
        await using (var reader = VideoFrameReader.Open(clip, width, height))
        {
            while (await reader.ReadRgbAsync() is { } frame)
            {
                frames.Add(frame);
            }
        }

        var sheet = (await VideoKeyframes.SheetAsync(clip, VideoSegment.Whole, info.Duration, width, height)).ToPixelBuffer();
        var captureClock = Stopwatch.StartNew();
        var statistics = await worker.CaptureStatistics(new StatisticsWork("bench", name, sheet, regions));
        var capture = captureClock.Elapsed; // includes the model's load: measured again after the warm-up below

        // The coordinator's windows (VideoFrameTiling: whole frames within the devices' pixel budget, the render's
        // tiles beyond it), and for comparison the tiles a long-side limit would cut the frame into.
        var jobs = farm.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobOptions>>().Value;
        var limit = Math.Min(farm.Services.GetRequiredService<WorkerDirectory>().SmallestMaxTileSize(), jobs.TileSize);
        static PixelRect[] Windows(JobTiling? tiling, int width, int height) =>
            tiling is null ? [new PixelRect(0, 0, width, height)] : [.. Enumerable.Range(0, tiling.Count).Select(tiling.Window)];
        var windows = Windows(VideoFrameTiling.For(width, height, limit, jobs, frozenStatistics: true), width, height);
        var sideTiles = Windows(Math.Max(width, height) <= limit ? null : new JobTiling(width, height, limit, Math.Min(jobs.Overlap, limit / 2), jobs.ContextMargin), width, height);
        async Task<Pass> DevicesAlone(PixelRect[] windows)
        {
            using var slots = new SemaphoreSlim(window);
            var clock = Stopwatch.StartNew();
            long first = 0;
            await Task.WhenAll(frames.Select(async (frame, index) =>
            {
                await slots.WaitAsync();
                try
                {
                    var whole = new PixelBuffer(width, height, 3, frame);
                    await Task.WhenAll(windows.Select((window, w) =>
                        worker.Render(new TileWork("bench", (index * windows.Length) + w, name, windows.Length == 1 ? whole : whole.Crop(window), regions, statistics))));
                    Interlocked.CompareExchange(ref first, clock.ElapsedTicks, 0);
                }
                finally
                {
                    slots.Release();
                }
            }));
            return new Pass(frames.Count, clock.Elapsed.TotalSeconds, (double)first / Stopwatch.Frequency);
        }

        // The pipeline's rate, and when its first frame was encoded: the start (keyframe sheet, fingerprint, the
        // statistics' capture on the device) is a fixed cost per clip that a short clip pays in full.
        async Task<Pass> Pipeline(bool blend)
        {
            var request = new FarmVideoRequest($"bench-{Guid.NewGuid():N}", clip, info, VideoSegment.Whole, width, height, name, regions)
            {
                Temporal = blend ? Imaging.Temporal.TemporalBlendOptions.Default : null,
            };
            var clock = Stopwatch.StartNew();
            var first = double.NaN;
            var status = await new FarmVideoClient(farm.Grains).RenderAsync(request, output, onFrame: (_, _) =>
            {
                first = double.IsNaN(first) ? clock.Elapsed.TotalSeconds : first;
                return ValueTask.CompletedTask;
            });
            return new Pass(status.FramesRendered, clock.Elapsed.TotalSeconds, first);
        }

        await worker.Render(new TileWork("warm-up", 0, name, new PixelBuffer(width, height, 3, frames[0]), regions, statistics)); // model load, first pass
        captureClock.Restart();
        await worker.CaptureStatistics(new StatisticsWork("bench", name, sheet, regions));
        capture = captureClock.Elapsed;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        // Interleaved, so drift on a shared machine hits both sides alike: each pipeline pass against the mean of the
        // devices-alone passes just before and after it; several rounds give a median where the load swings.
        // "After the first frame": frames 2…N over the time from the first frame out to the last, for both sides, so
        // the pipeline's fixed start per clip is left out.
        static string Row(string pass, Pass p, Pass? before = null, Pass? after = null) => before is null || after is null
            ? string.Create(CultureInfo.InvariantCulture, $"| {pass} | {p.Rate:F3} | | {p.Steady:F3} | | {p.First:F1} |")
            : string.Create(CultureInfo.InvariantCulture, $"| {pass} | {p.Rate:F3} | {200 * p.Rate / (before.Rate + after.Rate):F0} % | {p.Steady:F3} | {200 * p.Steady / (before.Steady + after.Steady):F0} % | {p.First:F1} |");
        var rows = new List<string>();
        var ratios = new Dictionary<bool, List<(double Overall, double Steady)>> { [true] = [], [false] = [] };
        var before = await DevicesAlone(windows);
        var firstDevices = before;
        rows.Add(Row("devices alone, frames as the coordinator sends them", before));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var blend in new[] { true, false })
            {
                var pipeline = await Pipeline(blend);
                var after = await DevicesAlone(windows);
                rows.Add(Row(blend ? "whole pipeline, default (decode, coordinator, spool, temporal blend, encode H.264)" : "whole pipeline, `--temporal off`", pipeline, before, after));
                rows.Add(Row("devices alone", after));
                ratios[blend].Add((2 * pipeline.Rate / (before.Rate + after.Rate), 2 * pipeline.Steady / (before.Steady + after.Steady)));
                before = after;
            }
        }

        if (sideTiles.Length != windows.Length)
        {
            var tiled = await DevicesAlone(sideTiles);
            var after = await DevicesAlone(windows);
            rows.Add(Row($"devices alone, each frame cut into {sideTiles.Length} tiles of ≤ {limit} px a side", tiled, before, after));
            rows.Add(Row("devices alone", after));
        }

        load += " → " + (File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Video throughput: {Path.GetFileName(clip)}, {frames.Count} frames of {width}×{height} ({windows.Length} window(s) a frame, device tile limit {limit}), model {name}, style {style}, {window} frames in flight, one CPU device (ONNX Runtime), {rounds} round(s), load average {load}"));
        Console.WriteLine("| pass (in run order) | frames/s | vs devices alone around it | frames/s after the first frame | vs devices alone, same | first frame out after s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        foreach (var (blend, list) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Median over {list.Count} round(s), {(blend ? "default (temporal blend)" : "--temporal off")}: {100 * Median(list.Select(r => r.Overall)):F0} % of the devices alone, {100 * Median(list.Select(r => r.Steady)):F0} % after the first frame."));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The statistics' capture on the {sheet.Width}×{sheet.Height} keyframe sheet (part of the pipeline's start) takes {capture.TotalSeconds:F1} s of the device alone (≈ {capture.TotalSeconds * firstDevices.Rate:F1} frames' time at the first devices-alone pass's rate)."));
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>One pass: frames in seconds, and when the first frame came out.</summary>
    private sealed record Pass(int Frames, double Seconds, double First)
    {
        public double Rate => Frames / Seconds;

        public double Steady => (Frames - 1) / (Seconds - First);
    }
}
