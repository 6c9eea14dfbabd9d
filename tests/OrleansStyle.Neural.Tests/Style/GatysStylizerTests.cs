using System.Diagnostics;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Style;

public sealed class GatysStylizerTests
{
    private static readonly OptimizationSettings Quick = new()
    {
        Size = 64,
        Iterations = 30,
        PyramidMinSize = 0,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 0.03f,
        StyleTaps = StyleTapPresets.For(StrokeScale.Fine),
    };

    // A photo of muted colours: preserving content colours keeps YIQ chroma, which matches Lab chroma within the
    // 2.0 of the colour test only where colours are not saturated (dune's or garden's move by 5–6).
    private static readonly PlanarImage Content = TestImages.Load(SampleImages.Content("raindrops"), 64, 48);
    private static readonly PlanarImage StarryNight = TestImages.Load(SampleImages.Style("starry_night"), 64, 50);
    private static readonly PlanarImage Scream = TestImages.Load(SampleImages.Style("the_scream"), 52, 64);

    private static GatysStylizer Stylizer => new(TestNetworks.ResNet18);

    [Theory]
    [InlineData(OptimizerKind.Adam, StyleLossKind.Gram)]
    [InlineData(OptimizerKind.Lbfgs, StyleLossKind.Gram)]
    [InlineData(OptimizerKind.Adam, StyleLossKind.MeanStd)]
    [InlineData(OptimizerKind.Adam, StyleLossKind.MmdGaussian)]
    [InlineData(OptimizerKind.Adam, StyleLossKind.Wasserstein)]
    public void Loss_falls_during_a_short_run(OptimizerKind optimizer, StyleLossKind loss)
    {
        var losses = new List<float>();
        Stylizer.Run(
            StyleRequest.Single(Content, StarryNight, Quick with { Optimizer = optimizer, Loss = loss }),
            new SyncProgress<OptimizationProgress>(p => losses.Add(p.Loss)));

        Assert.True(losses.Count >= 20, $"only {losses.Count} evaluations");
        Assert.True(losses[^1] < 0.7f * losses[0], $"loss {losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void Same_seed_gives_the_same_image_and_another_seed_does_not()
    {
        var settings = Quick with { Init = InitKind.Noise, Iterations = 10, Seed = 42 };
        var first = Stylizer.Run(StyleRequest.Single(Content, StarryNight, settings));
        var second = Stylizer.Run(StyleRequest.Single(Content, StarryNight, settings));
        var other = Stylizer.Run(StyleRequest.Single(Content, StarryNight, settings with { Seed = 43 }));

        Assert.Equal(first.Data, second.Data);
        Assert.NotEqual(first.Data, other.Data);
    }

    [Fact]
    public void Result_moves_towards_the_style_palette_and_keeps_the_content()
    {
        var result = Stylizer.Run(StyleRequest.Single(Content, StarryNight, Quick with { Iterations = 60 }));
        var quality = StylisationQuality.Measure(result, Content, StarryNight);

        Assert.True(quality.Palette < 0.6, $"palette {quality.Palette}");
        Assert.True(quality.Structure > 0.2, $"structure {quality.Structure}");
    }

    [Theory]
    [InlineData(LuminanceSpace.Lab)]
    [InlineData(LuminanceSpace.Yiq)]
    public void Luminance_only_transfer_keeps_the_content_chroma(LuminanceSpace space)
    {
        var result = Stylizer.Run(StyleRequest.Single(Content, StarryNight, Quick with { Color = ColorMode.LuminanceOnly, LuminanceSpace = space }));

        var chroma = StylisationQuality.ChromaDistance(result, Content);
        Assert.True(chroma <= 2.0, $"mean |Δab| = {chroma}");

        // …while the luminance did change.
        Assert.True(StylisationQuality.Measure(result, Content, StarryNight).Structure < 0.98);
    }

    [Fact]
    public void Preserving_content_colours_after_the_run_keeps_the_chroma()
    {
        var result = Stylizer.Run(StyleRequest.Single(Content, StarryNight, Quick with { Color = ColorMode.PreserveContentColors }));
        Assert.True(StylisationQuality.ChromaDistance(result, Content) <= 2.0);
    }

    [Fact]
    public void Each_region_takes_the_colours_of_its_own_style()
    {
        // Left half: Starry Night (blue); right half: The Scream (orange).
        var left = TestImages.Mask(64, 48, (x, _) => x < 32 ? 1f : 0f);
        var right = TestImages.Mask(64, 48, (x, _) => x < 32 ? 0f : 1f);
        var request = new StyleRequest(Content, [new StyleRegion(left, [new StyleSource(StarryNight)]), new StyleRegion(right, [new StyleSource(Scream)])], Quick with { Iterations = 60 });

        var result = Stylizer.Run(request);

        var leftMean = TestImages.MeanLab(result, left);
        var rightMean = TestImages.MeanLab(result, right);
        var starryMean = TestImages.MeanLab(StarryNight, null);
        var screamMean = TestImages.MeanLab(Scream, null);
        Assert.True(Distance(leftMean, starryMean) < Distance(leftMean, screamMean), "left region is not closer to Starry Night");
        Assert.True(Distance(rightMean, screamMean) < Distance(rightMean, starryMean), "right region is not closer to The Scream");
    }

    [Fact]
    public void Coarse_to_fine_reaches_the_target_size()
    {
        var levels = new HashSet<(int, int)>();
        var result = Stylizer.Run(
            StyleRequest.Single(Content, StarryNight, Quick with { Size = 96, PyramidMinSize = 24, PyramidIterations = 3, Iterations = 3 }),
            new SyncProgress<OptimizationProgress>(p => levels.Add((p.Width, p.Height))));

        Assert.Equal(96, result.Width);
        Assert.Equal(72, result.Height);
        Assert.Equal([(24, 18), (48, 36), (96, 72)], levels.Order());
    }

    [Fact]
    public void Larger_style_scale_gives_larger_strokes()
    {
        // Stripes with a 6-pixel period: scaled down they make fine strokes, scaled up coarse ones.
        var stripes = TestImages.Pattern(96, 96, (x, y) => ((x + y) / 3) % 2 == 0 ? 0.9f : 0.1f);
        var settings = Quick with { Size = 96, Iterations = 60, ContentWeight = 0.1f, Init = InitKind.Content };
        var fine = Stylizer.Run(StyleRequest.Single(Content, stripes, settings with { StyleScale = 0.5f }));
        var coarse = Stylizer.Run(StyleRequest.Single(Content, stripes, settings with { StyleScale = 2f }));

        Assert.True(TestImages.MeanGradient(fine) > 1.2 * TestImages.MeanGradient(coarse),
            $"fine {TestImages.MeanGradient(fine)} vs coarse {TestImages.MeanGradient(coarse)}");
    }

    [Fact]
    public void Mask_that_does_not_match_the_content_is_rejected()
    {
        var mask = TestImages.Mask(10, 10, (_, _) => 1f);
        var request = new StyleRequest(Content, [new StyleRegion(mask, [new StyleSource(StarryNight)])], Quick);
        var error = Assert.Throws<ArgumentException>(() => Stylizer.Run(request));
        Assert.Contains("10×10", error.Message);
    }

    [Fact]
    public void Two_hundred_iterations_leak_no_tensors_and_keep_memory_flat()
    {
        // Live tensors and resident memory are read at the same point of iterations 20 and 200: anything an
        // iteration forgets to dispose shows up 180 times over. (Across whole runs the count is not comparable:
        // TorchSharp's Parameter constructor moves the handle out of a wrapper that it never uncounts.)
        using var process = Process.GetCurrentProcess();
        var tensorsAt = new Dictionary<int, long>();
        var rssAt = new Dictionary<int, long>();
        Stylizer.Run(
            StyleRequest.Single(Content, StarryNight, Quick with { Iterations = 200 }),
            new SyncProgress<OptimizationProgress>(p =>
            {
                if (p.Iteration is 20 or 200)
                {
                    // Garbage from earlier tests is finalised (and uncounted) whenever the GC runs; settle it first.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    process.Refresh();
                    tensorsAt[p.Iteration] = Tensor.TotalCount;
                    rssAt[p.Iteration] = process.WorkingSet64;
                }
            }));

        Assert.Equal(tensorsAt[20], tensorsAt[200]);
        var growth = rssAt[200] - rssAt[20];
        Assert.True(growth < 64L * 1024 * 1024, $"RSS grew by {growth / 1048576} MiB over 180 iterations");
    }

    [Theory]
    [InlineData(OptimizerKind.Lbfgs)]
    [InlineData(OptimizerKind.Adam)]
    public void Cancelling_stops_the_run_with_OperationCanceledException_and_the_process_survives(OptimizerKind optimizer)
    {
        // L-BFGS evaluates the loss from native code: an exception there would abort the test host.
        using var cancel = new CancellationTokenSource();
        var evaluations = 0;
        var progress = new SynchronousProgress(_ =>
        {
            if (++evaluations == 3)
            {
                cancel.Cancel();
            }
        });
        var settings = Quick with { Optimizer = optimizer, Iterations = 200 };

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Stylizer.Run(StyleRequest.Single(Content, StarryNight, settings), progress, cancel.Token));
        Assert.Equal(3, evaluations); // no evaluation after the cancel: a device is free at once (L-BFGS too)
    }

    private sealed class SynchronousProgress(Action<OptimizationProgress> report) : IProgress<OptimizationProgress>
    {
        public void Report(OptimizationProgress value) => report(value);
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum());
}

/// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the callback to run inline.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
