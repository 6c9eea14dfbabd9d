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
/// </summary>
internal static class VideoBenchmark
{
    public static async Task Throughput(string modelPath, string clip, string style)
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
        var statistics = await worker.CaptureStatistics(new StatisticsWork("bench", name, sheet, regions));

        // The coordinator's windows (VideoFrameTiling: whole frames within the devices' pixel budget, the render's
        // tiles beyond it), and for comparison the tiles a long-side limit would cut the frame into.
        var jobs = farm.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobOptions>>().Value;
        var limit = Math.Min(farm.Services.GetRequiredService<WorkerDirectory>().SmallestMaxTileSize(), jobs.TileSize);
        static PixelRect[] Windows(JobTiling? tiling, int width, int height) =>
            tiling is null ? [new PixelRect(0, 0, width, height)] : [.. Enumerable.Range(0, tiling.Count).Select(tiling.Window)];
        var windows = Windows(VideoFrameTiling.For(width, height, limit, jobs, frozenStatistics: true), width, height);
        var sideTiles = Windows(Math.Max(width, height) <= limit ? null : new JobTiling(width, height, limit, Math.Min(jobs.Overlap, limit / 2), jobs.ContextMargin), width, height);
        async Task<double> DevicesAlone(PixelRect[] windows)
        {
            using var slots = new SemaphoreSlim(window);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(frames.Select(async (frame, index) =>
            {
                await slots.WaitAsync();
                try
                {
                    var whole = new PixelBuffer(width, height, 3, frame);
                    await Task.WhenAll(windows.Select((window, w) =>
                        worker.Render(new TileWork("bench", (index * windows.Length) + w, name, windows.Length == 1 ? whole : whole.Crop(window), regions, statistics))));
                }
                finally
                {
                    slots.Release();
                }
            }));
            return frames.Count / clock.Elapsed.TotalSeconds;
        }

        async Task<double> Pipeline(bool blend)
        {
            var request = new FarmVideoRequest($"bench-{Guid.NewGuid():N}", clip, info, VideoSegment.Whole, width, height, name, regions)
            {
                Temporal = blend ? Imaging.Temporal.TemporalBlendOptions.Default : null,
            };
            var clock = Stopwatch.StartNew();
            var status = await new FarmVideoClient(farm.Grains).RenderAsync(request, output);
            return status.FramesRendered / clock.Elapsed.TotalSeconds;
        }

        await worker.Render(new TileWork("warm-up", 0, name, new PixelBuffer(width, height, 3, frames[0]), regions, statistics)); // model load, first pass
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        // Interleaved, so drift on a shared machine hits both sides alike: each pipeline pass against the mean of the
        // devices-alone passes just before and after it.
        var d1 = await DevicesAlone(windows);
        var blended = await Pipeline(blend: true);
        var d2 = await DevicesAlone(windows);
        var plain = await Pipeline(blend: false);
        var d3 = await DevicesAlone(windows);
        var tiled = sideTiles.Length == windows.Length ? double.NaN : await DevicesAlone(sideTiles);
        var d4 = double.IsNaN(tiled) ? d3 : await DevicesAlone(windows);
        load += " → " + (File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Video throughput: {Path.GetFileName(clip)}, {frames.Count} frames of {width}×{height} ({windows.Length} window(s) a frame, device tile limit {limit}), model {name}, style {style}, {window} frames in flight, one CPU device (ONNX Runtime), load average {load}"));
        Console.WriteLine("| pass (in run order) | frames/s | vs devices alone around it |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| devices alone, frames as the coordinator sends them | {d1:F3} | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| whole pipeline, default (decode, coordinator, spool, temporal blend, encode H.264) | {blended:F3} | {200 * blended / (d1 + d2):F0} % |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| devices alone | {d2:F3} | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| whole pipeline, `--temporal off` | {plain:F3} | {200 * plain / (d2 + d3):F0} % |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| devices alone | {d3:F3} | |"));
        if (!double.IsNaN(tiled))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| devices alone, each frame cut into {sideTiles.Length} tiles of ≤ {limit} px a side | {tiled:F3} | {200 * tiled / (d3 + d4):F0} % |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| devices alone | {d4:F3} | |"));
        }

        Directory.Delete(spool, recursive: true);
    }
}
