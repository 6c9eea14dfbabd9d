using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward.Training;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Bench;

/// <summary>
/// Milliseconds per Gatys iteration for candidate speed-ups of the optimisation path, measured side by side in one
/// process: the variants run in turn, round after round, so that a load change on a shared machine hits them all.
/// A variant's figure is its best round; an iteration is the time between consecutive loss evaluations (the
/// objective's setup is left out).
/// </summary>
internal static class OptimizationVariantsBenchmark
{
    private static readonly SafeImageReader Reader = new();

    public static int Run(string[] args)
    {
        var sizes = new List<int>();
        var iterations = 20;
        var rounds = 2;
        int? interop = null;
        string? only = null;
        string? save = null;
        OptimizerKind[] optimizers = [OptimizerKind.Adam, OptimizerKind.Lbfgs];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--iterations": iterations = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--interop-threads": interop = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--variants": only = args[++i]; break;
                case "--save": save = args[++i]; break;
                case "--optimizers": optimizers = [.. args[++i].Split(',').Select(Enum.Parse<OptimizerKind>)]; break;
                default: sizes.Add(int.Parse(args[i], CultureInfo.InvariantCulture)); break;
            }
        }

        // libtorch accepts the inter-op pool size only before its first parallel work: set it before anything else.
        if (interop is { } interopThreads)
        {
            set_num_interop_threads(interopThreads);
        }

        var defaultThreads = get_num_threads();
        using var network = ResNetOnnxImporter.LoadDefault();
        using var clNetwork = ResNetOnnxImporter.LoadDefault();
        ConvWeightsToChannelsLast(clNetwork);
        var nchw = new ContiguousInput(network);
        var (content, style) = Images();

        // The product feeds the loss network channels-last activations (LossObjective); "NCHW input" undoes that, as
        // before the change. The replica is a bare copy of the loop for the cost of reading the loss back.
        var variants = new List<Variant>
        {
            new("default (channels-last input)", s => Product(network, content, style, s)),
            new("NCHW input (before)", s => Product(nchw, content, style, s)),
            new("channels-last input + weights", s => Product(clNetwork, content, style, s)),
            new("intra-op threads 1", s => WithThreads(1, defaultThreads, () => Product(network, content, style, s))),
            new("loss read every iteration (replica)", s => Replica(network, content, style, s, readEvery: 1)),
            new("loss read every 10th (replica)", s => Replica(network, content, style, s, readEvery: 10), Reference: "loss read every iteration (replica)"),

            // Two threads on a busy machine swamp the other effects (OpenMP barriers wait for a descheduled thread):
            // the same comparisons again on one thread, referenced to one thread.
            new("1 thread: NCHW input (before)", s => WithThreads(1, defaultThreads, () => Product(nchw, content, style, s)), Reference: "intra-op threads 1"),
            new("1 thread: channels-last input + weights", s => WithThreads(1, defaultThreads, () => Product(clNetwork, content, style, s)), Reference: "intra-op threads 1"),
            new("1 thread: loss read every iteration (replica)", s => WithThreads(1, defaultThreads, () => Replica(network, content, style, s, readEvery: 1))),
            new("1 thread: loss read every 10th (replica)", s => WithThreads(1, defaultThreads, () => Replica(network, content, style, s, readEvery: 10)), Reference: "1 thread: loss read every iteration (replica)"),
        };
        if (only is not null)
        {
            var names = only.Split(',');
            variants = [.. variants.Where(v => names.Any(n => v.Name.StartsWith(n, StringComparison.Ordinal)))];
        }

        Console.WriteLine($"libtorch threads: intra-op {defaultThreads}, inter-op {get_num_interop_threads()}; {iterations} iterations, best of {rounds} rounds; load average {LoadAverage()}");
        Console.WriteLine($"channels-last propagates to the taps: {ActivationsChannelsLast(clNetwork, content)}");
        Console.WriteLine("| size | optimiser | variant | ms / iteration | ratio to reference | max abs diff to reference | reference |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var size in sizes.DefaultIfEmpty(256))
        {
            foreach (var optimizer in optimizers)
            {
                var settings = new OptimizationSettings { Size = size, Iterations = iterations, PyramidMinSize = 0, Optimizer = optimizer };
                foreach (var variant in variants)
                {
                    variant.Measure(settings with { Iterations = 3 }); // allocation and kernel selection
                }

                var best = variants.ToDictionary(v => v, _ => double.MaxValue);
                var outputs = new Dictionary<Variant, PlanarImage>();
                for (var round = 0; round < rounds; round++)
                {
                    foreach (var variant in variants)
                    {
                        var (ms, image) = variant.Measure(settings);
                        best[variant] = Math.Min(best[variant], ms);
                        outputs[variant] = image;
                    }
                }

                foreach (var variant in variants)
                {
                    // The replica has no colour control: compare it with itself reading every iteration.
                    var reference = variants.FirstOrDefault(v => v.Name == variant.Reference) ?? variants[0];
                    var diff = outputs[variant].Data.Zip(outputs[reference].Data, (a, b) => Math.Abs(a - b)).Max();
                    Console.WriteLine($"| {size} | {optimizer} | {variant.Name} | {best[variant]:F0} | {best[variant] / best[reference]:F2} | {diff:G2} | {reference.Name} |");
                    if (save is not null)
                    {
                        Directory.CreateDirectory(save);
                        using var rgb = outputs[variant].ToRgb24();
                        ImageWriter.Write(rgb, Path.Combine(save, $"{size}-{optimizer}-{Slug(variant.Name)}.png"));
                    }
                }
            }
        }

        Console.WriteLine($"load average at the end: {LoadAverage()}");
        return 0;
    }

    private static (double Ms, PlanarImage Image) Product(FeatureNetwork network, PlanarImage content, PlanarImage style, OptimizationSettings settings)
    {
        var clock = new IterationClock();
        var image = new GatysStylizer(network).Run(StyleRequest.Single(content, style, settings), clock);
        return (clock.MsPerIteration, image);
    }

    private static (double Ms, PlanarImage Image) WithThreads(int threads, int restore, Func<(double, PlanarImage)> run)
    {
        set_num_threads(threads);
        try
        {
            return run();
        }
        finally
        {
            set_num_threads(restore);
        }
    }

    /// <summary>
    /// The product's loop for one level with a single style and no colour control, reading the three loss values
    /// back every <paramref name="readEvery"/> evaluations instead of every one: the cost of the per-iteration reads.
    /// </summary>
    private static (double Ms, PlanarImage Image) Replica(FeatureNetwork network, PlanarImage contentImage, PlanarImage styleImage, OptimizationSettings settings, int readEvery)
    {
        using var scope = NewDisposeScope();
        var (width, height) = GatysStylizer.FitLongSide(contentImage.Width, contentImage.Height, settings.Size);
        var content = GatysStylizer.Resize(contentImage.ToTensor(), width, height);
        var (styleWidth, styleHeight) = GatysStylizer.FitLongSide(styleImage.Width, styleImage.Height, settings.Size);
        var style = GatysStylizer.Resize(styleImage.ToTensor(), styleWidth, styleHeight);
        var styleLoss = StyleLoss.Create(settings.Loss, settings.Seed);
        using var objective = new LossObjective(network, styleLoss);
        using (no_grad())
        {
            var contentFeatures = network.Extract(content, [.. settings.ContentTaps.Keys]);
            foreach (var (tap, weight) in settings.ContentTaps)
            {
                objective.AddContent(tap, weight, contentFeatures[tap]);
            }

            var region = objective.AddRegion(null);
            var styleFeatures = network.Extract(style, [.. settings.StyleTaps.Keys]);
            foreach (var (tap, weight) in settings.StyleTaps)
            {
                objective.AddStyle(region, tap, weight, styleLoss.Target(WeightedFeatures.From(styleFeatures[tap], null)));
            }
        }

        using var image = new Parameter(content.detach().clone(), requires_grad: true);
        var clock = new IterationClock();
        var evaluations = 0;
        float sink = 0;
        Tensor Closure()
        {
            using var step = NewDisposeScope();
            image.grad?.zero_();
            var (total, contentTerm, styleTerm) = objective.Evaluate(image, settings);
            total.backward();
            if (evaluations++ % readEvery == 0)
            {
                sink += contentTerm.item<float>() + styleTerm.item<float>() + total.item<float>();
            }

            clock.Report(default!);
            return total.detach().MoveToOuterDisposeScope();
        }

        if (settings.Optimizer == OptimizerKind.Adam)
        {
            using var adam = new AdamOptimizer([("image", image, 0)], settings.LearningRate);
            for (var i = 0; i < settings.Iterations; i++)
            {
                using var step = NewDisposeScope();
                Closure();
                adam.Step();
                Clamp(image);
            }
        }
        else
        {
            using var lbfgs = optim.LBFGS([image], lr: 1, max_iter: 20, history_size: 50);
            while (evaluations < settings.Iterations)
            {
                using var step = NewDisposeScope();
                var before = evaluations;
                lbfgs.step(Closure);
                Clamp(image);
                if (evaluations == before)
                {
                    break;
                }
            }
        }

        GC.KeepAlive(sink);
        return (clock.MsPerIteration, image.detach().ToPlanarImage());
    }

    private static void Clamp(Tensor image)
    {
        using var noGrad = no_grad();
        image.ClampToUnit_();
    }

    /// <summary>NCHW shape with NHWC strides: what PyTorch calls channels_last, built from a permutation.</summary>
    private static Tensor ToChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static bool IsChannelsLast(Tensor x) => x.dim() == 4 && x.stride(1) == 1 && x.shape[1] > 1;

    private static void ConvWeightsToChannelsLast(FeatureNetwork network)
    {
        using var noGrad = no_grad();
        foreach (var module in network.modules())
        {
            if (module is Conv2d conv && conv.weight is { } weight)
            {
                conv.weight = new Parameter(ToChannelsLast(weight).detach(), requires_grad: false);
            }
        }
    }

    private static string ActivationsChannelsLast(FeatureNetwork network, PlanarImage content)
    {
        using var scope = NewDisposeScope();
        var image = GatysStylizer.Resize(content.ToTensor(), 256, 256);
        var taps = network.Extract(ToChannelsLast(image), ["stem", "layer1", "layer3"]);
        return string.Join(", ", taps.Select(t => $"{t.Key} {(IsChannelsLast(t.Value) ? "yes" : "no")}"));
    }

    private static string Slug(string name) => new([.. name.Where(char.IsLetterOrDigit)]);

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static (PlanarImage Content, PlanarImage Style) Images()
    {
        using var content = Reader.ReadRgb(SampleImages.Content("dune"));
        using var style = Reader.ReadRgb(SampleImages.Style("starry_night"));
        return (content.ToPlanar(), style.ToPlanar());
    }

    private sealed record Variant(string Name, Func<OptimizationSettings, (double Ms, PlanarImage Image)> Measure, string? Reference = null);

    /// <summary>Passes the optimised image to the wrapped network in plain NCHW layout, as the product did before.</summary>
    private sealed class ContiguousInput : FeatureNetwork
    {
        private readonly FeatureNetwork _inner;

        public ContiguousInput(FeatureNetwork inner)
            : base(nameof(ContiguousInput)) => _inner = inner;

        public override IReadOnlyList<string> Taps => _inner.Taps;

        public override int Stride(string tap) => _inner.Stride(tap);

        public override IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> taps) =>
            _inner.Extract(image.contiguous(), taps);
    }

    /// <summary>Milliseconds between the first and the last loss evaluation, per evaluation.</summary>
    private sealed class IterationClock : IProgress<OptimizationProgress>
    {
        private readonly Stopwatch _clock = new();
        private int _count;
        private double _last;

        public double MsPerIteration => _count > 1 ? _last / (_count - 1) : double.NaN;

        public void Report(OptimizationProgress value)
        {
            if (_count++ == 0)
            {
                _clock.Start();
            }

            _last = _clock.Elapsed.TotalMilliseconds;
        }
    }
}
