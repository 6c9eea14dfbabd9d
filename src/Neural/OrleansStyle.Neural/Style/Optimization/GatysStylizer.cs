using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward.Training;
using OrleansStyle.Neural.Style.Color;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Optimization;

/// <summary>
/// Optimisation-based style transfer (Gatys et al. 2016) with the spatial, colour and scale controls of
/// Gatys et al. 2017. The image itself is the parameter; the frozen feature network supplies the losses.
/// Runs coarse-to-fine: each pyramid level starts from the upsampled result of the previous one.
/// </summary>
public sealed class GatysStylizer(FeatureNetwork network, Device? device = null)
{
    private readonly Device _device = device ?? CPU;

    public PlanarImage Run(StyleRequest request, IProgress<OptimizationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var problems = request.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(request));
        }

        var settings = request.Settings;
        var prepared = ColorControl.Prepare(request);
        var (width, height) = FitLongSide(request.Content.Width, request.Content.Height, settings.Size);
        var levels = PyramidSizes(width, height, settings.PyramidMinSize);

        using var scope = NewDisposeScope();
        var content = prepared.Content.ToTensor(_device);
        var temporal = request.Temporal is { } given
            ? (Previous: ColorControl.AsOptimised(given.Previous, settings).ToTensor(_device), Trust: given.Trust.ToTensor(_device), given.Weight)
            : ((Tensor Previous, Tensor Trust, float Weight)?)null;
        Tensor? current = null;
        for (var level = 0; level < levels.Count; level++)
        {
            var (levelWidth, levelHeight) = levels[level];
            var iterations = level == levels.Count - 1 ? settings.Iterations : settings.PyramidIterations;
            var levelContent = Resize(content, levelWidth, levelHeight);
            var init = current is not null ? Resize(current, levelWidth, levelHeight)
                : request.InitImage is { } start ? Resize(start.ToTensor(_device), levelWidth, levelHeight)
                : temporal is { } prior ? WarmStart(prior, Initial(levelContent, prepared, settings), levelWidth, levelHeight)
                : Initial(levelContent, prepared, settings);
            current = OptimizeLevel(request, prepared, levelContent, init, temporal, level, levels.Count, iterations, progress, cancellationToken);
        }

        var result = current!.ToPlanarImage();
        return ColorControl.Finish(result, request, prepared);
    }

    private Tensor OptimizeLevel(
        StyleRequest request,
        PreparedColors prepared,
        Tensor content,
        Tensor init,
        (Tensor Previous, Tensor Trust, float Weight)? temporal,
        int level,
        int levels,
        int iterations,
        IProgress<OptimizationProgress>? progress,
        CancellationToken cancellationToken)
    {
        using var levelScope = NewDisposeScope();
        var settings = request.Settings;
        var styleLoss = StyleLoss.Create(settings.Loss, settings.Seed);
        var height = content.shape[2];
        var width = content.shape[3];
        using var objective = BuildObjective(request, prepared, content, styleLoss);
        if (temporal is { Weight: > 0 } prior)
        {
            objective.SetTemporal(Resize(prior.Previous, (int)width, (int)height), Resize(prior.Trust, (int)width, (int)height), prior.Weight);
        }

        using var image = new Parameter(init.detach().clone(), requires_grad: true);
        var iteration = 0;
        float lastContent = 0, lastStyle = 0;

        Tensor Closure()
        {
            using var step = NewDisposeScope();
            if (cancellationToken.IsCancellationRequested && settings.Optimizer == OptimizerKind.Adam)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            // L-BFGS calls this from native code, where an exception would abort the process: the loop checks the
            // token between steps instead. Until then a cancelled run answers with a zero gradient, which ends the
            // L-BFGS step at once (its gradient tolerance) instead of up to 20 evaluations later.
            if (settings.Optimizer == OptimizerKind.Lbfgs)
            {
                if (cancellationToken.IsCancellationRequested && image.grad is { } grad)
                {
                    grad.zero_();
                    return tensor(0f, device: image.device).MoveToOuterDisposeScope();
                }

                image.grad?.zero_();
            }

            var (total, contentTerm, styleTerm) = objective.Evaluate(image, settings);
            total.backward();
            lastContent = contentTerm.item<float>();
            lastStyle = styleTerm.item<float>();
            iteration++;
            progress?.Report(new OptimizationProgress(level + 1, levels, (int)width, (int)height, Math.Min(iteration, iterations), iterations, total.item<float>(), lastContent, lastStyle));
            return total.detach().MoveToOuterDisposeScope();
        }

        if (settings.Optimizer == OptimizerKind.Adam)
        {
            // Ours, not optim.Adam: TorchSharp's passes its betas and step size as temporary Scalars (HeldScalars says why).
            using var adam = new AdamOptimizer([("image", image, 0)], settings.LearningRate);
            for (var i = 0; i < iterations; i++)
            {
                using var step = NewDisposeScope();
                adam.ZeroGrad();
                Closure();
                adam.Step();
                ClampPixels(image);
            }
        }
        else
        {
            // One L-BFGS step runs up to 20 evaluations; clamping between steps keeps pixels valid.
            const int EvaluationsPerStep = 20;
            using var lbfgs = optim.LBFGS([image], lr: 1, max_iter: EvaluationsPerStep, history_size: 50);
            while (iteration < iterations)
            {
                using var step = NewDisposeScope();
                cancellationToken.ThrowIfCancellationRequested();
                var before = iteration;
                lbfgs.step(Closure);
                ClampPixels(image);
                if (iteration == before)
                {
                    break; // converged: L-BFGS made no evaluation
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return image.detach().clone().MoveToOuterDisposeScope();
    }

    private LossObjective BuildObjective(StyleRequest request, PreparedColors prepared, Tensor content, StyleLoss styleLoss)
    {
        var settings = request.Settings;
        var height = content.shape[2];
        var width = content.shape[3];
        var objective = new LossObjective(network, styleLoss);
        using (no_grad())
        {
            var contentFeatures = network.Extract(content, [.. settings.ContentTaps.Keys]);
            foreach (var (tap, weight) in settings.ContentTaps)
            {
                objective.AddContent(tap, weight, contentFeatures[tap]);
            }

            for (var r = 0; r < request.Regions.Count; r++)
            {
                var region = request.Regions[r];
                var mask = region.Mask is null ? null : Resize(region.Mask.ToTensor(_device), (int)width, (int)height);
                var regionIndex = objective.AddRegion(mask);
                var totalWeight = region.Styles.Sum(s => (double)s.Weight); // double: float weights near MaxValue overflow a float sum
                for (var s = 0; s < region.Styles.Count; s++)
                {
                    var source = region.Styles[s];
                    var styleImage = prepared.Styles[r][s].ToTensor(_device);
                    var styleLongSide = settings.StyleLongSide > 0 ? settings.StyleLongSide : (int)Math.Round(Math.Max(width, height) * settings.StyleScale);
                    var (styleWidth, styleHeight) = FitLongSide(source.Image.Width, source.Image.Height, styleLongSide);
                    styleImage = Resize(styleImage, styleWidth, styleHeight);
                    var styleMask = source.Mask is null ? null : Resize(source.Mask.ToTensor(_device), styleWidth, styleHeight);
                    var taps = settings.StyleTaps.Keys.Where(t => source.Taps is null || source.Taps.Contains(t)).ToList();
                    var styleFeatures = network.Extract(styleImage, taps);
                    foreach (var tap in taps)
                    {
                        var target = styleLoss.Target(WeightedFeatures.From(styleFeatures[tap], styleMask));
                        objective.AddStyle(regionIndex, tap, settings.StyleTaps[tap] * (float)(source.Weight / Math.Max(totalWeight, 1e-6)), target);
                    }
                }
            }
        }

        return objective;
    }

    /// <summary>Ruder et al.'s initialisation: the warped previous result where it is trusted, the per-frame start elsewhere.</summary>
    private static Tensor WarmStart((Tensor Previous, Tensor Trust, float Weight) prior, Tensor initial, int width, int height)
    {
        var trust = Resize(prior.Trust, width, height);
        return initial.Plus(Resize(prior.Previous, width, height).sub(initial).mul(trust));
    }

    private static Tensor Initial(Tensor content, PreparedColors prepared, OptimizationSettings settings) => settings.Init switch
    {
        InitKind.Noise => rand(content.shape, generator: new Generator((ulong)settings.Seed), device: content.device),
        InitKind.ColorMatchedContent => prepared.MatchedContent is { } matched
            ? Resize(matched.ToTensor(content.device), (int)content.shape[3], (int)content.shape[2])
            : content.clone(),
        _ => content.clone(),
    };

    private static void ClampPixels(Tensor image)
    {
        using var noGrad = no_grad();
        image.ClampToUnit_();
    }

    internal static Tensor Resize(Tensor image, int width, int height)
    {
        if (image.shape[3] == width && image.shape[2] == height)
        {
            return image;
        }

        var shrinking = width < image.shape[3] || height < image.shape[2];
        return nn.functional.interpolate(image, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: shrinking);
    }

    internal static (int Width, int Height) FitLongSide(int width, int height, int longSide)
    {
        var scale = (double)longSide / Math.Max(width, height);
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>Sizes from coarsest to finest, halving the long side until it would fall below minSize.</summary>
    internal static List<(int Width, int Height)> PyramidSizes(int width, int height, int minSize)
    {
        var sizes = new List<(int, int)> { (width, height) };
        var longSide = Math.Max(width, height);
        while (minSize > 0 && longSide / 2 >= minSize)
        {
            longSide /= 2;
            sizes.Insert(0, FitLongSide(width, height, longSide));
        }

        return sizes;
    }
}
