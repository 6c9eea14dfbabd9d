using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Bench;

/// <summary>
/// Stroke scale for docs/benchmarks.md: the whole-picture feed-forward render (<see cref="FeedForwardStylizer"/>, ONNX
/// Runtime as CPU devices run it) at each size with the network's own strokes (scale 1) and with the automatic scale,
/// side by side in one run. Prints Markdown.
/// </summary>
internal static class StrokeScaleBenchmark
{
    public static void Run(string modelPath, IReadOnlyList<int> sizes, int repeats)
    {
        using var model = StyleModelFile.Load(modelPath);
        model.UseOnnxRuntime(new OnnxRuntimeSettings());
        var stylizer = new FeedForwardStylizer(model);
        using var photo = new SafeImageReader().ReadRgb(SampleImages.Content("dune"));
        var source = photo.ToPlanar();

        Console.WriteLine(Invariant($"Model {Path.GetFileName(modelPath)}, photo dune enlarged to each size, style 0; median of {repeats} after one warm-up."));
        Console.WriteLine();
        Console.WriteLine("| long side | scale 1 (ms) | automatic scale | automatic (ms) | scale 1 ÷ automatic |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var height = (int)Math.Round(size * (double)source.Height / source.Width);
            var content = source.Resize(size, height);
            var request = FeedForwardRequest.Everywhere(content, StyleChoice.Trained(0));
            var native = Median(() => stylizer.Stylise(request with { StrokeScale = 1 }), repeats);
            var automatic = StrokeScaling.Resolve(0, size, height);
            var scaled = Median(() => stylizer.Stylise(request with { StrokeScale = 0 }), repeats);
            Console.WriteLine(Invariant($"| {size} | {native:F0} | {automatic:0.###} | {scaled:F0} | ×{native / scaled:F1} |"));
        }
    }

    private static double Median(Func<PlanarImage> render, int repeats)
    {
        render();
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            render();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
