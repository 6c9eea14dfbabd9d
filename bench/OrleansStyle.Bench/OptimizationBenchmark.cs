using System.Diagnostics;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Bench;

internal static class OptimizationBenchmark
{
    private static readonly SafeImageReader Reader = new();

    /// <summary>Milliseconds per iteration (one loss + gradient evaluation) for each optimiser and size.</summary>
    public static void IterationTimes(int[] sizes)
    {
        using var network = ResNetOnnxImporter.LoadDefault();
        var stylizer = new GatysStylizer(network);
        var (content, style) = Images();
        Console.WriteLine($"| size | optimiser | ms / iteration | iterations / s | threads |");
        Console.WriteLine($"|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            foreach (var optimizer in new[] { OptimizerKind.Lbfgs, OptimizerKind.Adam })
            {
                var iterations = size >= 1024 ? 10 : 30;
                var settings = new OptimizationSettings { Size = size, Iterations = iterations, PyramidMinSize = 0, Optimizer = optimizer };

                // The first evaluations pay for allocation and kernel selection; time a second run.
                stylizer.Run(StyleRequest.Single(content, style, settings with { Iterations = 3 }));
                var clock = Stopwatch.StartNew();
                var evaluations = 0;
                stylizer.Run(StyleRequest.Single(content, style, settings), new Counter(() => evaluations++));
                var perIteration = clock.Elapsed.TotalMilliseconds / evaluations;
                Console.WriteLine($"| {size} | {optimizer} | {perIteration:F0} | {1000 / perIteration:F2} | {TorchSharp.torch.get_num_threads()} |");
            }
        }
    }

    /// <summary>Resident set size every 100 iterations of one long Adam run at 256 px.</summary>
    public static void ResidentMemory(int iterations)
    {
        using var network = ResNetOnnxImporter.LoadDefault();
        var stylizer = new GatysStylizer(network);
        var (content, style) = Images();
        using var process = Process.GetCurrentProcess();
        var samples = new List<(int Iteration, long Bytes)>();
        var settings = new OptimizationSettings { Size = 256, Iterations = iterations, PyramidMinSize = 0, Optimizer = OptimizerKind.Adam };
        stylizer.Run(StyleRequest.Single(content, style, settings), new Counter(() =>
        {
            var count = samples.Count == 0 ? 1 : samples[^1].Iteration + 1;
            process.Refresh();
            samples.Add((count, process.WorkingSet64));
        }));

        var at100 = samples.First(s => s.Iteration == Math.Min(100, iterations)).Bytes;
        var peak = samples.Max(s => s.Bytes);
        var last = samples[^1].Bytes;
        var allocator = Environment.GetEnvironmentVariable("LD_PRELOAD") is { Length: > 0 } preload && preload.Contains("jemalloc") ? "jemalloc" : "glibc";
        Console.WriteLine($"| {allocator} | {iterations} | {Mb(at100)} | {Mb(last)} | {Mb(peak)} | {(double)(last - at100) / at100 * 100:F1} % |");
    }

    private static string Mb(long bytes) => $"{bytes / 1048576.0:F0} MiB";

    private static (PlanarImage Content, PlanarImage Style) Images()
    {
        using var content = Reader.ReadRgb(SampleImages.Content("dune"));
        using var style = Reader.ReadRgb(SampleImages.Style("starry_night"));
        return (content.ToPlanar(), style.ToPlanar());
    }

    private sealed class Counter(Action onIteration) : IProgress<OptimizationProgress>
    {
        public void Report(OptimizationProgress value) => onIteration();
    }
}
