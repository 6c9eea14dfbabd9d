using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Bench;

/// <summary>
/// Memory of the embedded farm's process (client, coordinator and four simulated devices) rendering one large
/// picture. The client holds the picture (3 bytes a pixel) and streams the PNG to /dev/null; simulated devices only copy
/// windows. Peak RSS counts garbage too (large tile buffers wait for a full collection), so the live heap is also
/// measured: after a full blocking collection at a quarter, half and three quarters of the tiles and after the job,
/// minus the picture — what stays alive beyond it is the coordinator's bookkeeping and pixels, the assembler's rows and
/// tiles in flight. The same file runs on an older checkout for the "before" figure (it uses only APIs both have).
/// </summary>
public static class CoordinatorMemoryBenchmark
{
    public static async Task Run(double megapixels)
    {
        var models = Path.Combine(Path.GetTempPath(), "orleansstyle-bench-sim");
        Directory.CreateDirectory(models);
        File.WriteAllBytes(Path.Combine(models, "simulated.safetensors"), []); // simulated devices never open it
        await using var farm = await EmbeddedFarm.StartAsync(
            devices: d =>
            {
                d.Devices = ["sim:0", "sim:1", "sim:2", "sim:3"];
                d.MaxBatch = 1;
                d.SimulatedLatency = TimeSpan.Zero;
            },
            models: m => m.Directory = models,
            jobs: j => j.TileSize = 1024);
        var width = (int)Math.Round(Math.Sqrt(megapixels * 1e6 * 4 / 3));
        var height = (int)Math.Round(width * 3 / 4.0);
        var data = new byte[(long)width * height * 3];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)((i * 7) + (i / 3001)); // not constant, so nothing compresses or shares pages
        }

        var picture = new PixelBuffer(width, height, 3, data);
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var baseline = CurrentRssMiB();
        var samples = new List<double>();
        var quarter = 0;
        var progress = new InlineProgress(status =>
        {
            if (status.TilesTotal > 0 && status.TilesDone * 4 >= (quarter + 1) * status.TilesTotal && quarter < 3)
            {
                quarter++;
                samples.Add(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0);
            }
        });
        var watch = Stopwatch.StartNew();
        var status = await new FarmRenderClient(farm.Grains).RenderAsync(
            new FarmRenderRequest($"rss-{Guid.NewGuid():N}", picture, "simulated", [RegionSpec.Everywhere(StyleWeight.Trained("any"))]), Stream.Null, progress: progress);
        var seconds = watch.Elapsed.TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        GC.KeepAlive(picture);
        Console.WriteLine("| picture | tiles | seconds | live heap beyond the picture at ¼, ½, ¾ of the tiles | after the job | peak RSS | peak RSS − RSS with the picture loaded |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {width}×{height} ({width * (double)height / 1e6:F0} MP) | {status.TilesTotal} | {seconds:F1} | {string.Join(", ", samples.Select(s => $"{s - baselineHeap:F0}"))} MiB | {after - baselineHeap:F0} MiB | {PeakRssMiB():F0} MiB | {PeakRssMiB() - baseline:F0} MiB |"));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and sample late).</summary>
    private sealed class InlineProgress(Action<JobStatus> report) : IProgress<JobStatus>
    {
        public void Report(JobStatus value) => report(value);
    }

    private static double CurrentRssMiB() => StatusLine("VmRSS:");

    private static double PeakRssMiB() => StatusLine("VmHWM:");

    private static double StatusLine(string name)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
