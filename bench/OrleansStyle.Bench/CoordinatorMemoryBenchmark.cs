using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Bench;

/// <summary>
/// Peak RSS of the embedded farm's process (client, coordinator and four simulated devices) rendering one large
/// picture: the client holds the picture (3 bytes a pixel) and streams the PNG to /dev/null, simulated devices only copy
/// windows, so what the process holds beyond the picture is mostly the coordinator's. The same file runs on an older
/// checkout for the "before" figure (it uses only APIs both have).
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
        GC.Collect();
        var baseline = CurrentRssMiB();
        var watch = Stopwatch.StartNew();
        var status = await new FarmRenderClient(farm.Grains).RenderAsync(
            new FarmRenderRequest($"rss-{Guid.NewGuid():N}", picture, "simulated", [RegionSpec.Everywhere(StyleWeight.Trained("any"))]), Stream.Null);
        Console.WriteLine("| picture | tiles | seconds | RSS with the picture loaded | peak RSS | peak − picture loaded |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {width}×{height} ({width * (double)height / 1e6:F0} MP) | {status.TilesTotal} | {watch.Elapsed.TotalSeconds:F1} | {baseline:F0} MiB | {PeakRssMiB():F0} MiB | {PeakRssMiB() - baseline:F0} MiB |"));
    }

    private static double CurrentRssMiB() => StatusLine("VmRSS:");

    private static double PeakRssMiB() => StatusLine("VmHWM:");

    private static double StatusLine(string name)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(name, StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
