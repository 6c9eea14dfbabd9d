using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Bench.Onnx;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Bench;

/// <summary>
/// Feed-forward inference for docs/benchmarks.md: time per image at several sizes, images/s per batch size, and
/// the same network passes in ONNX Runtime as the yardstick. Every ONNX graph is checked against TorchSharp's
/// output before it is timed. Prints Markdown.
/// </summary>
internal static class FeedForwardBenchmark
{
    /// <summary>Largest accepted |ONNX − TorchSharp| relative to the output's scale (at least 1).</summary>
    private const double OnnxTolerance = 1e-3; // a quarter of an 8-bit level; float sums over 2048² grow to ~4e-4

    private static readonly SafeImageReader Reader = new();

    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            Console.WriteLine(FeedForwardBenchmarkOptions.Usage);
            return 0;
        }

        FeedForwardBenchmarkOptions options;
        try
        {
            options = FeedForwardBenchmarkOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(FeedForwardBenchmarkOptions.Usage);
            return 2;
        }

        set_num_threads(options.Threads);
        var (content, style) = Images(options.StyleSize);
        var encoder = new Lazy<ResNet18Features>(ResNetOnnxImporter.LoadDefault);
        var families = new List<FeedForwardFamily>();
        try
        {
            families.AddRange(options.Families.Select(f => FeedForwardFamily.Random(f, options.Seed, encoder, style, options.Onnx, options.Threads)));
            families.AddRange(options.Models.Select(m => FeedForwardFamily.Load(m, encoder, style, options.Onnx, options.Threads)));
            if (families.Count == 0)
            {
                Console.Error.WriteLine("Nothing to time: give --families or --model.");
                return 2;
            }

            if (options.SaveOnnx is { } directory)
            {
                SaveGraphs(families, directory);
            }

            Header(options, families);
            var speedUps = new List<double>();
            InferenceTimes(options, families, content, speedUps);
            Throughput(options, families, content, speedUps);
            Summary(speedUps);
        }
        finally
        {
            families.ForEach(f => f.Dispose());
            if (encoder.IsValueCreated)
            {
                encoder.Value.Dispose();
            }
        }

        return 0;
    }

    /// <summary>Writes every exported graph (e.g. to inspect it, or to try ONNX Runtime elsewhere).</summary>
    private static void SaveGraphs(IReadOnlyList<FeedForwardFamily> families, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var pass in families.SelectMany(f => f.Passes).Where(p => p.Onnx is not null))
        {
            var name = string.Join('_', pass.Label.Split([' ', '(', ')', ',', '+', '/'], StringSplitOptions.RemoveEmptyEntries));
            File.WriteAllBytes(Path.Combine(directory, $"{name}.onnx"), pass.Onnx!);
        }
    }

    private static void Header(FeedForwardBenchmarkOptions options, IReadOnlyList<FeedForwardFamily> families)
    {
        Console.WriteLine("## Feed-forward inference");
        Console.WriteLine();
        Console.WriteLine(Invariant($"- Threads: TorchSharp {get_num_threads()} intra-op; ONNX Runtime {options.Threads} intra-op, 1 inter-op, sequential ({Environment.ProcessorCount} logical CPUs)."));
        Console.WriteLine(Invariant($"- TorchSharp {typeof(torch).Assembly.GetName().Version} CPU{(options.Onnx ? $"; ONNX Runtime {OnnxRunner.Version}, CPU execution provider, all graph optimisations" : "")}."));
        var random = families.Any(f => f.Source.StartsWith("random", StringComparison.Ordinal)) ? " (random weights time the same as trained ones)" : "";
        Console.WriteLine($"- Weights: {string.Join("; ", families.Select(f => $"{f.Name}: {f.Source}"))}{random}.");
        Console.WriteLine(Invariant($"- Content: samples/content/dune resized to a square; AdaIN style: starry_night, long side {options.StyleSize} px."));
        Console.WriteLine(Invariant($"- Each figure is the median of {options.Repeats} timed run(s); {options.Warmup} warm-up run(s) before them (and the ONNX check run) are excluded."));
        Console.WriteLine("- *Stylise*: the product path, `IStyleModel.Stylise`/`StyliseBatch`, images in and out (32 px border padding, tensor conversion and, for AdaIN, encoding the style image included): "
            + "*Torch* is the model as loaded, *ORT* the same model after `UseOnnxRuntime` (what CPU devices run). "
            + "*Network*: the bare network pass on tensors (transformer: trained style 0 as a one-hot style row; AdaIN: style statistics computed once), on TorchSharp and on ONNX Runtime with the product's graph.");
        Console.WriteLine();
    }

    /// <summary>Milliseconds per image, one image at a time.</summary>
    private static void InferenceTimes(FeedForwardBenchmarkOptions options, IReadOnlyList<FeedForwardFamily> families, PlanarImage content, List<double> speedUps)
    {
        Console.WriteLine("### Time per image (ms)");
        Console.WriteLine();
        Console.WriteLine("| network | size | Stylise Torch | Stylise ORT | Stylise speed-up | network Torch | network ORT | network speed-up | Stylise ORT ÷ network ORT | max \\|ORT − Torch\\| (Stylise; network) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var family in families)
        {
            var runners = Runners(family, options);
            try
            {
                foreach (var size in options.Sizes)
                {
                    var image = content.Resize(size, size);
                    var stylise = Median(() => family.Model.Stylise(image, family.Regions), options);
                    double? styliseOnnx = family.OnnxModel is { } fast ? Median(() => fast.Stylise(image, family.Regions), options) : null;
                    var styliseDelta = family.OnnxModel is { } checkModel
                        ? Difference(family.Model.Stylise(image, family.Regions).Data, checkModel.Stylise(image, family.Regions).Data)
                        : (double?)null;
                    for (var p = 0; p < family.Passes.Count; p++)
                    {
                        var (network, onnx, delta) = MeasurePass(family.Passes[p], runners[p], image, 1, options);
                        speedUps.AddRange(onnx is { } o ? [network / o] : []);
                        var first = p == 0;
                        Console.WriteLine(
                            Invariant($"| {family.Passes[p].Label} | {size}² | {(first ? Ms(stylise) : "—")} | {(first && styliseOnnx is { } so ? Ms(so) : "—")} | {(first ? SpeedUp(stylise, styliseOnnx) : "—")} ")
                            + Invariant($"| {Ms(network)} | {(onnx is { } ms ? Ms(ms) : "—")} | {SpeedUp(network, onnx)} | {(first && styliseOnnx is { } ratio && onnx is { } net ? Invariant($"×{ratio / net:F2}") : "—")} ")
                            + Invariant($"| {(first ? Delta(styliseDelta) : "—")}; {Delta(delta)} |"));
                    }
                }
            }
            finally
            {
                Dispose(runners);
            }
        }

        Console.WriteLine();
    }

    /// <summary>Images per second at batch sizes 1, 4, 8 … (one forward pass per batch).</summary>
    private static void Throughput(FeedForwardBenchmarkOptions options, IReadOnlyList<FeedForwardFamily> families, PlanarImage content, List<double> speedUps)
    {
        var size = options.BatchSize;
        Console.WriteLine(Invariant($"### Throughput at {size}² (images/s, one pass per batch)"));
        Console.WriteLine();
        Console.WriteLine("| network | batch | StyliseBatch Torch | StyliseBatch ORT | network Torch | network ORT | network speed-up |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var image = content.Resize(size, size);
        foreach (var family in families)
        {
            var runners = Runners(family, options);
            try
            {
                foreach (var batch in options.Batches)
                {
                    var items = Enumerable.Repeat(new StyleBatchItem(image, family.Regions), batch).ToList();
                    var stylise = Median(() => family.Model.StyliseBatch(items), options);
                    double? styliseOnnx = family.OnnxModel is { } fast ? Median(() => fast.StyliseBatch(items), options) : null;
                    for (var p = 0; p < family.Passes.Count; p++)
                    {
                        var (network, onnx, _) = MeasurePass(family.Passes[p], runners[p], image, batch, options);
                        speedUps.AddRange(onnx is { } o ? [network / o] : []);
                        var first = p == 0;
                        Console.WriteLine(
                            Invariant($"| {family.Passes[p].Label} | {batch} | {(first ? Rate(batch, stylise) : "—")} | {(first && styliseOnnx is { } so ? Rate(batch, so) : "—")} ")
                            + Invariant($"| {Rate(batch, network)} | {(onnx is { } ms ? Rate(batch, ms) : "—")} | {SpeedUp(network, onnx)} |"));
                    }
                }
            }
            finally
            {
                Dispose(runners);
            }
        }

        Console.WriteLine();
    }

    private static void Summary(List<double> speedUps)
    {
        if (speedUps.Count == 0)
        {
            return;
        }

        var geometricMean = Math.Exp(speedUps.Average(Math.Log));
        Console.WriteLine(Invariant(
            $"ONNX Runtime vs TorchSharp over {speedUps.Count} network measurement(s): geometric-mean speed-up ×{geometricMean:F2} (range ×{speedUps.Min():F2}–×{speedUps.Max():F2}; above 1 = ONNX Runtime faster)."));
    }

    /// <summary>
    /// Median milliseconds of the TorchSharp pass and, when there is a graph, of ONNX Runtime, after checking that
    /// both compute the same output for the same input (the check run is also the first warm-up of each).
    /// </summary>
    private static (double Network, double? Onnx, double? Delta) MeasurePass(NetworkPass pass, OnnxRunner? runner, PlanarImage image, int batch, FeedForwardBenchmarkOptions options)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = image.ToTensor().expand(batch, -1, -1, -1).contiguous();
        var input = pass.Prepare(images).contiguous();
        if (runner is null)
        {
            return (Median(() => Forward(pass, input), options), null, null);
        }

        var data = input.data<float>().ToArray();
        var expected = pass.Forward(input).contiguous().data<float>().ToArray();
        var actual = runner.Run(data, input.shape);
        var delta = expected.Length == actual.Length ? expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() : float.PositiveInfinity;
        var scale = Math.Max(1f, expected.Max(Math.Abs));
        if (!(delta <= OnnxTolerance * scale))
        {
            throw new InvalidOperationException(Invariant(
                $"{pass.Label}: the ONNX graph's output differs from TorchSharp's (max |Δ| = {delta:E2}, {actual.Length} vs {expected.Length} values); not timing it."));
        }

        var network = Median(() => Forward(pass, input), options);
        var values = runner.Inputs(data, input.shape);
        try
        {
            return (network, Median(() => runner.Run(values), options), delta);
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    private static void Forward(NetworkPass pass, Tensor input)
    {
        using var scope = NewDisposeScope();
        pass.Forward(input);
    }

    private static double Median(Action run, FeedForwardBenchmarkOptions options)
    {
        for (var i = 0; i < options.Warmup; i++)
        {
            run();
        }

        var times = new double[options.Repeats];
        for (var i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times.Length % 2 == 1 ? times[times.Length / 2] : (times[(times.Length / 2) - 1] + times[times.Length / 2]) / 2;
    }

    private static List<OnnxRunner?> Runners(FeedForwardFamily family, FeedForwardBenchmarkOptions options) =>
        [.. family.Passes.Select(p => options.Onnx && p.Onnx is { } graph ? new OnnxRunner(graph, options.Threads) : null)];

    private static void Dispose(List<OnnxRunner?> runners) => runners.ForEach(r => r?.Dispose());

    private static (PlanarImage Content, PlanarImage Style) Images(int styleSize)
    {
        using var content = Reader.ReadRgb(SampleImages.Content("dune"));
        using var style = Reader.ReadRgb(SampleImages.Style("starry_night"));
        var painting = style.ToPlanar();
        var scale = (double)styleSize / Math.Max(painting.Width, painting.Height);
        return (content.ToPlanar(), painting.Resize(Math.Max(1, (int)Math.Round(painting.Width * scale)), Math.Max(1, (int)Math.Round(painting.Height * scale))));
    }

    private static double Difference(float[] expected, float[] actual) => expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "F2" : ms < 100 ? "F1" : "F0", CultureInfo.InvariantCulture);

    private static string Rate(int batch, double ms) => Invariant($"{batch * 1000 / ms:F2}");

    private static string SpeedUp(double network, double? onnx) => onnx is { } ms ? Invariant($"×{network / ms:F2}") : "—";

    private static string Delta(double? delta) => delta is { } d ? d.ToString("0.0E+0", CultureInfo.InvariantCulture) : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
