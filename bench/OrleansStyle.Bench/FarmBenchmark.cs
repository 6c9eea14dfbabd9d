using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Onnx;

namespace OrleansStyle.Bench;

/// <summary>
/// The farm's benchmarks, each measured side by side in one run on one embedded silo:
/// overhead (coordinator + worker vs a direct model call), scale-out on simulated devices, and the
/// high-resolution case (a 5640×3172 photo and a 100 MP upscale) with a bundled model.
/// </summary>
internal static class FarmBenchmark
{
    /// <summary>
    /// The same render of a picture through the farm (one tile, 1024-px tiles, and 256-px tiles for tile throughput) and
    /// as one direct model call, with CPU devices on Torch (before) and on ONNX Runtime (after), in one run.
    /// </summary>
    public static async Task Overhead(string modelPath, double megapixels, int repeats)
    {
        var (width, height) = Size(megapixels, 4.0 / 3.0);
        var picture = Photo(width, height);
        var style = TrainedStyle(modelPath);
        Console.WriteLine($"Farm overhead: {width}×{height} ({megapixels:F1} MP), model {Path.GetFileName(modelPath)}, style {style}, PNG out, median of {repeats}");
        Console.WriteLine("| path | Torch s | ONNX Runtime s | speed-up | Torch vs direct | ORT vs direct |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var results = new Dictionary<CpuRuntime, (double Direct, double OneTile, double Tiled, double Small, int SmallTiles)>();
        foreach (var runtime in new[] { CpuRuntime.Torch, CpuRuntime.Onnx })
        {
            results[runtime] = await OverheadOn(runtime, modelPath, picture, style, repeats);
        }

        var (torch, onnx) = (results[CpuRuntime.Torch], results[CpuRuntime.Onnx]);
        Console.WriteLine(Pair("direct model call (one process)", torch.Direct, onnx.Direct, torch.Direct, onnx.Direct));
        Console.WriteLine(Pair("farm, one tile (coordinator + worker)", torch.OneTile, onnx.OneTile, torch.Direct, onnx.Direct));
        Console.WriteLine(Pair("farm, 1024-px tiles (+32 px context, 32 px feather)", torch.Tiled, onnx.Tiled, torch.Direct, onnx.Direct));
        Console.WriteLine(Pair(string.Create(CultureInfo.InvariantCulture, $"farm, 256-px tiles ({onnx.SmallTiles} tiles)"), torch.Small, onnx.Small, torch.Direct, onnx.Direct));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Tile throughput at 256-px tiles: Torch {torch.SmallTiles / torch.Small:F1} tiles/s, ONNX Runtime {onnx.SmallTiles / onnx.Small:F1} tiles/s."));
    }

    private static async Task<(double Direct, double OneTile, double Tiled, double Small, int SmallTiles)> OverheadOn(
        CpuRuntime runtime, string modelPath, PixelBuffer picture, string style, int repeats)
    {
        using var model = StyleModelFile.Load(modelPath);
        if (runtime == CpuRuntime.Onnx)
        {
            model.UseOnnxRuntime(new OnnxRuntimeSettings());
        }

        var index = StyleModelFile.ReadInfo(modelPath).Styles.ToList().IndexOf(style);
        var direct = Median(repeats, () =>
        {
            var result = model.Stylise(picture.ToPlanar(), StyleChoice.Trained(index));
            using var output = new MemoryStream();
            ImageWriter.Write(result.ToRgb24(), output);
        });

        await using var farm = await EmbeddedFarm.StartAsync(
            devices: d =>
            {
                d.Devices = ["cpu"];
                d.CpuRuntime = runtime;
            },
            models: m => m.Directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        var client = new FarmRenderClient(farm.Grains);
        var name = Path.GetFileNameWithoutExtension(modelPath);
        var tiles = 0;
        async Task<double> Farm(int tileSize) => await MedianAsync(repeats, async () =>
        {
            using var output = new MemoryStream();
            var request = new FarmRenderRequest($"overhead-{Guid.NewGuid():N}", picture, name, [RegionSpec.Everywhere(StyleWeight.Trained(style))])
            {
                Options = new RenderOptions { TileSize = tileSize },
            };
            tiles = (await client.RenderAsync(request, output)).TilesTotal;
        });

        var side = Math.Max(picture.Width, picture.Height);
        await Farm(side); // warm the worker's model cache
        var oneTile = await Farm(side);
        var tiled = await Farm(1024);
        var small = await Farm(256);
        return (direct, oneTile, tiled, small, tiles);
    }

    private static string Pair(string label, double torch, double onnx, double torchDirect, double onnxDirect) =>
        string.Create(CultureInfo.InvariantCulture, $"| {label} | {torch:F2} | {onnx:F2} | ×{torch / onnx:F2} | ×{torch / torchDirect:F2} | ×{onnx / onnxDirect:F2} |");

    /// <summary>One coordinator driving N simulated devices (fixed latency, no compute): throughput vs the ideal N/latency.</summary>
    public static async Task ScaleOut(int maxWorkers, TimeSpan latency, int tilesPerWorker)
    {
        Console.WriteLine($"Scale-out: simulated devices, {latency.TotalMilliseconds:F0} ms per tile, {tilesPerWorker} tiles per worker, batch 1");
        Console.WriteLine("| workers | tiles | seconds | tiles/s | ideal tiles/s | efficiency |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        for (var workers = 1; workers <= maxWorkers; workers *= 2)
        {
            var count = workers;
            await using var farm = await EmbeddedFarm.StartAsync(
                devices: d =>
                {
                    d.Devices = [.. Enumerable.Range(0, count).Select(i => $"sim:{i}")];
                    d.MaxBatch = 1;
                    d.SimulatedLatency = latency;
                },
                models: m => m.Directory = SimulatedModels.Value,
                jobs: j =>
                {
                    j.TileSize = 64;
                    j.Overlap = 8;
                    j.ContextMargin = 0;
                    j.MaxInFlightPerWorker = 2;
                });
            var tiles = workers * tilesPerWorker;
            var columns = (int)Math.Ceiling(Math.Sqrt(tiles));
            var rows = (int)Math.Ceiling((double)tiles / columns);
            var (width, height) = ((columns * 56) + 8, (rows * 56) + 8);
            var picture = new PixelBuffer(width, height, 3, new byte[width * height * 3]);
            var request = new FarmRenderRequest($"scale-{workers}", picture, SimulatedModel, [RegionSpec.Everywhere(StyleWeight.Trained("any"))]);
            var watch = Stopwatch.StartNew();
            var status = await new FarmRenderClient(farm.Grains).RenderAsync(request, Stream.Null);
            var seconds = watch.Elapsed.TotalSeconds;
            var ideal = workers / latency.TotalSeconds;
            var rate = status.TilesTotal / seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workers} | {status.TilesTotal} | {seconds:F2} | {rate:F1} | {ideal:F1} | {rate / ideal:P0} |"));
        }
    }

    /// <summary>A real high-resolution photo, then an upscale of it to the given megapixels, through the farm.</summary>
    public static async Task Large(string modelPath, string photoPath, double upscaleMegapixels)
    {
        var name = Path.GetFileNameWithoutExtension(modelPath);
        var style = TrainedStyle(modelPath);
        await using var farm = await EmbeddedFarm.StartAsync(
            devices: d => d.Devices = ["cpu"],
            models: m => m.Directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
        var client = new FarmRenderClient(farm.Grains);
        PixelBuffer photo;
        using (var image = new SafeImageReader().ReadRgb(photoPath))
        {
            photo = Bytes(image);
        }

        Console.WriteLine($"High resolution: model {name} ({style}), CPU device, 512-px tiles, PNG written to a file");
        Console.WriteLine("| picture | megapixels | tiles | seconds | tiles/s | MP/s | peak RSS |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        await Render(client, name, style, photo, Path.GetFileName(photoPath));
        var (width, height) = Size(upscaleMegapixels, (double)photo.Width / photo.Height);
        var upscaled = Upscale(photo, width, height);
        photo = null!;
        GC.Collect();
        await Render(client, name, style, upscaled, $"the same, upscaled to {width}×{height}");
    }

    private static async Task Render(FarmRenderClient client, string model, string style, PixelBuffer picture, string label)
    {
        var path = Path.Combine(Path.GetTempPath(), $"orleansstyle-large-{Guid.NewGuid():N}.png");
        try
        {
            await using var output = File.Create(path);
            var watch = Stopwatch.StartNew();
            var status = await client.RenderAsync(
                new FarmRenderRequest($"large-{Guid.NewGuid():N}", picture, model, [RegionSpec.Everywhere(StyleWeight.Trained(style))]) { Options = new RenderOptions { TileSize = 512 } }, output);
            var seconds = watch.Elapsed.TotalSeconds;
            var megapixels = (double)picture.Width * picture.Height / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {megapixels:F1} | {status.TilesTotal} | {seconds:F1} | {status.TilesTotal / seconds:F2} | {megapixels / seconds:F2} | {PeakRssGiB():F2} GiB |"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string SimulatedModel = "simulated";

    // Simulated devices never open the model, but the coordinator checks that the name exists.
    private static readonly Lazy<string> SimulatedModels = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), "orleansstyle-bench-sim");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, SimulatedModel + ".safetensors"), []);
        return directory;
    });

    internal static string TrainedStyle(string modelPath) => StyleModelFile.ReadInfo(modelPath).Styles.FirstOrDefault()
        ?? throw new ArgumentException($"{modelPath} has no trained styles: use a single- or multi-style model.");

    internal static (int Width, int Height) Size(double megapixels, double aspect)
    {
        var height = (int)Math.Round(Math.Sqrt(megapixels * 1e6 / aspect));
        return ((int)Math.Round(height * aspect), height);
    }

    internal static PixelBuffer Photo(int width, int height)
    {
        using var image = new SafeImageReader().ReadRgb(Tests.Shared.SampleImages.Content("dune"));
        return image.ToPlanar().Resize(width, height).ToPixelBuffer();
    }

    private static PixelBuffer Bytes(SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> image)
    {
        var data = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(data);
        return new PixelBuffer(image.Width, image.Height, 3, data);
    }

    /// <summary>Bilinear upscale on bytes, row by row: no float copy of a 100 MP picture.</summary>
    private static PixelBuffer Upscale(PixelBuffer source, int width, int height)
    {
        var data = new byte[(long)width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Clamp(((y + 0.5) * source.Height / height) - 0.5, 0, source.Height - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, source.Height - 1);
            var fy = sy - y0;
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Clamp(((x + 0.5) * source.Width / width) - 0.5, 0, source.Width - 1);
                var x0 = (int)sx;
                var x1 = Math.Min(x0 + 1, source.Width - 1);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var top = (source.Data[(((y0 * source.Width) + x0) * 3) + c] * (1 - fx)) + (source.Data[(((y0 * source.Width) + x1) * 3) + c] * fx);
                    var bottom = (source.Data[(((y1 * source.Width) + x0) * 3) + c] * (1 - fx)) + (source.Data[(((y1 * source.Width) + x1) * 3) + c] * fx);
                    data[(((long)y * width) + x) * 3 + c] = (byte)Math.Round((top * (1 - fy)) + (bottom * fy));
                }
            }
        }

        return new PixelBuffer(width, height, 3, data);
    }

    private static double Median(int repeats, Action action)
    {
        action(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    private static async Task<double> MedianAsync(int repeats, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalSeconds);
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    private static double PeakRssGiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / (1024 * 1024);
    }
}
