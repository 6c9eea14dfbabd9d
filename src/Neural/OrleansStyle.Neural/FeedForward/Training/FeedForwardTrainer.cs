using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>Losses of one training step (the weighted total and its unweighted parts).</summary>
public sealed record TrainingLosses(int Step, float Total, float Content, float Style, float TotalVariation)
{
    /// <summary>The unweighted temporal term (0 when <see cref="TrainingOptions.TemporalWeight"/> is 0).</summary>
    public float Temporal { get; init; }
}

/// <summary>
/// Trains a feed-forward styliser with the frozen loss network (the bundled ResNet-18), one Adam step per
/// <see cref="TrainStep"/>:
/// <list type="bullet">
/// <item><b>single / multi</b> (Johnson et al. 2016; Dumoulin et al. 2017): content crops through the transformer;
/// relative content loss at the content taps, relative style loss (Gram by default) per batch element against its
/// style, total variation. Batch element i of step k renders style (k·N + i) mod S, so every batch covers the styles
/// in turn. Adding styles to a trained multi-style network trains only their new γ/β rows.</item>
/// <item><b>adain</b> (Huang &amp; Belongie 2017): content and style crops are encoded to the tap, AdaIN'd, decoded;
/// the content loss compares the decoded image's re-encoding with the AdaIN target, the style loss matches channel
/// means and standard deviations at the stem and every stage up to the tap.</item>
/// </list>
/// Everything random derives from (seed, step), and checkpoints hold the weights and Adam's state, so a resumed
/// run reproduces the uninterrupted one bit for bit on the same machine.
/// </summary>
public sealed class FeedForwardTrainer : IDisposable
{
    private readonly FeatureNetwork _lossNetwork;
    private readonly TrainingData _content;
    private readonly TrainingData _styles;
    private readonly TrainingData? _procedural;
    private readonly IReadOnlyList<string> _styleNames;
    private readonly TransformerNet? _transformer;
    private readonly AdaInDecoder? _decoder;
    private readonly AdamOptimizer _adam;
    private readonly StyleLoss _styleLoss;
    private readonly List<Dictionary<string, Tensor>> _styleFeatures = [];
    private readonly Device _device;
    private readonly DivergenceMonitor _divergence;

    private FeedForwardTrainer(
        FeatureNetwork lossNetwork,
        TrainingOptions options,
        TrainingData content,
        TrainingData styles,
        IReadOnlyList<string> styleNames,
        TransformerNet? transformer,
        AdaInDecoder? decoder,
        Device? device)
    {
        _lossNetwork = lossNetwork;
        Options = options;
        _content = content;
        _styles = styles;
        _styleNames = styleNames;
        _transformer = transformer;
        _decoder = decoder;
        _device = device ?? CPU;
        _procedural = options.ProceduralStyles > 0 ? TrainingData.Procedural(options.ProceduralStyles, options.Seed, 2 * options.Size) : null;
        _styleLoss = options.Kind == StyleModelKind.AdaIn ? new MeanStdLoss() : StyleLoss.Create(options.StyleLoss, options.Seed);
        lossNetwork.Freeze();

        nn.Module network = transformer is not null ? transformer : decoder!;
        network.to(_device).train();
        var trainable = new List<(string, TorchSharp.Modules.Parameter, int)>();
        var styleParameters = transformer?.StyleParameters.ToHashSet() ?? [];
        foreach (var (name, parameter) in network.named_parameters())
        {
            var learns = options.FrozenStyles == 0 || styleParameters.Contains(parameter);
            parameter.requires_grad = learns;
            if (learns)
            {
                trainable.Add((name, parameter, styleParameters.Contains(parameter) ? options.FrozenStyles : 0));
            }
        }

        _adam = new AdamOptimizer(trainable, options.LearningRate);
        _divergence = new DivergenceMonitor(options.LearningRate);
        if (transformer is not null)
        {
            PrepareStyleFeatures();
        }
    }

    public TrainingOptions Options { get; }

    /// <summary>Steps taken so far (a checkpoint written now resumes at step <see cref="Step"/> + 1).</summary>
    public int Step { get; private set; }

    /// <summary>The model file's metadata as of now.</summary>
    public StyleModelInfo Info => new(Options.Kind, Options.Architecture, _styleNames)
    {
        TrainingData = Options.Kind == StyleModelKind.AdaIn ? $"{_content.Description}; styles: {StyleDescription}" : _content.Description,
        Steps = Options.PriorSteps + Step,
        EncoderTap = Options.Kind == StyleModelKind.AdaIn ? Options.EncoderTap : null,
    };

    internal TransformerNet? Transformer => _transformer;

    private string StyleDescription =>
        _styles.Description + (Options.StyleAugment ? " (augmented)" : "") + (_procedural is null ? "" : $" + {_procedural.Description}");

    internal AdaInDecoder? Decoder => _decoder;

    internal long OptimizerSteps => _adam.Steps;

    /// <summary>
    /// A new run. <paramref name="styles"/>: the style images (single: one; multi: one per style; AdaIN: the painting
    /// collection crops are drawn from). <paramref name="baseModel"/>: for multi, a trained single- or multi-style
    /// model whose styles are kept (only the γ/β rows of <paramref name="styles"/> are trained); for AdaIN, a trained
    /// decoder the run starts from (fine-tuning with new data or options).
    /// </summary>
    public static FeedForwardTrainer Create(
        FeatureNetwork lossNetwork,
        TrainingOptions options,
        TrainingData content,
        TrainingData styles,
        IStyleModel? baseModel = null,
        Device? device = null)
    {
        var baseDecoder = baseModel as AdaInStyleModel;
        if (baseDecoder is not null)
        {
            if (options.Kind != StyleModelKind.AdaIn)
            {
                throw new ArgumentException("An AdaIN decoder can only be the starting point of an AdaIN run (--kind adain).", nameof(baseModel));
            }

            var adainArchitecture = baseDecoder.Decoder.Architecture;
            options = options with { Width = adainArchitecture.Width, EncoderTap = adainArchitecture.EncoderTap };
            baseModel = null;
        }

        var baseStyles = baseModel as TransformerStyleModel;
        if (baseModel is not null && baseStyles is null)
        {
            throw new ArgumentException("Styles can only be added to a single- or multi-style network.", nameof(baseModel));
        }

        if (baseStyles is not null)
        {
            if (options.Kind != StyleModelKind.Multi)
            {
                throw new ArgumentException("Styles can only be added to a network as a multi-style model (--kind multi).", nameof(baseModel));
            }

            var architecture = baseStyles.Network.Architecture;
            options = options with { FrozenStyles = baseStyles.StyleCount, Width = architecture.Width, ResidualBlocks = architecture.ResidualBlocks };
        }

        Check(options, lossNetwork, styles);
        var names = (baseStyles?.Info.Styles ?? []).Concat(styles.Names).ToList();
        var generator = new Generator(Seeds.Derive(options.Seed, Seeds.Initialization, 0));
        TransformerNet? transformer = null;
        AdaInDecoder? decoder = null;
        if (options.Kind == StyleModelKind.AdaIn)
        {
            decoder = new AdaInDecoder(options.AdaInArchitecture);
            decoder.Initialize(generator);
            if (baseDecoder is not null)
            {
                using var noGrad = no_grad();
                foreach (var ((_, parameter), (_, trained)) in decoder.named_parameters().Zip(baseDecoder.Decoder.named_parameters()))
                {
                    parameter.copy_(trained.to(parameter.device));
                }
            }

            names = [];
        }
        else if (baseStyles is not null)
        {
            transformer = baseStyles.Network.WithAddedStyles(styles.Count);
        }
        else
        {
            transformer = new TransformerNet(options.TransformerArchitecture, styles.Count);
            transformer.Initialize(generator);
        }

        return new FeedForwardTrainer(lossNetwork, options, content, styles, names, transformer, decoder, device);
    }

    /// <summary>
    /// A new run that starts from a trained single- or multi-style network's weights (all of them learn), e.g. to
    /// fine-tune it with another loss term such as <see cref="TrainingOptions.TemporalWeight"/>. The network keeps its
    /// architecture; <paramref name="styles"/> must be its styles, in its order. Adam starts afresh at step 0, and the
    /// run's checkpoints resume it exactly as any run's do (they hold the weights, Adam's state and the options).
    /// </summary>
    public static FeedForwardTrainer StartFrom(
        TransformerStyleModel start,
        FeatureNetwork lossNetwork,
        TrainingOptions options,
        TrainingData content,
        TrainingData styles,
        Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (options.Kind == StyleModelKind.AdaIn || options.FrozenStyles != 0)
        {
            throw new ArgumentException("Only a single- or multi-style run can start from a trained network (AdaIN decoders: --base).", nameof(options));
        }

        if (!start.Info.Styles.SequenceEqual(styles.Names))
        {
            throw new ArgumentException(
                $"The starting model paints {string.Join(", ", start.Info.Styles)}; {string.Join(", ", styles.Names)} given: give its style images, in that order.",
                nameof(styles));
        }

        var architecture = start.Network.Architecture;
        options = options with { Width = architecture.Width, ResidualBlocks = architecture.ResidualBlocks, PriorSteps = (int)Math.Min(start.Info.Steps, int.MaxValue) };
        Check(options, lossNetwork, styles);
        var transformer = new TransformerNet(architecture, styles.Count);
        try
        {
            using var noGrad = no_grad();
            var trained = start.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in transformer.named_parameters())
            {
                parameter.copy_(trained[name].to(parameter.device));
            }
        }
        catch
        {
            transformer.Dispose();
            throw;
        }

        return new FeedForwardTrainer(lossNetwork, options, content, styles, [.. styles.Names], transformer, null, device);
    }

    /// <summary>
    /// Continues from a checkpoint written by <see cref="SaveCheckpoint"/>: same options, weights and optimizer
    /// state. Give the same content and style data the run started with.
    /// </summary>
    /// <param name="fineTune">
    /// Changes to the checkpoint's loss settings (style size, style tap weights) for fine-tuning; null keeps them,
    /// which makes the resumed run step-for-step identical to an uninterrupted one.
    /// </param>
    public static FeedForwardTrainer Resume(
        string checkpoint, FeatureNetwork lossNetwork, TrainingData content, TrainingData styles, Device? device = null,
        Func<TrainingOptions, TrainingOptions>? fineTune = null)
    {
        var file = SafeTensors.Read(checkpoint);
        if (!file.Metadata.TryGetValue("training_options", out var json) || !file.Metadata.TryGetValue("checkpoint_step", out var stepText))
        {
            throw new InvalidDataException($"{checkpoint} is not a training checkpoint (it has no training options or step).");
        }

        var options = TrainingOptions.FromJson(json, checkpoint);
        if (fineTune is not null)
        {
            options = fineTune(options);
        }

        var info = StyleModelInfo.FromMetadata(file.Metadata, checkpoint);
        if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            throw new InvalidDataException($"{checkpoint}: checkpoint step '{stepText}' is not a whole number.");
        }

        Check(options, lossNetwork, styles);
        if (options.Kind != StyleModelKind.AdaIn && !info.Styles.Skip(options.FrozenStyles).SequenceEqual(styles.Names))
        {
            throw new ArgumentException(
                $"{checkpoint} was trained on the style(s) {string.Join(", ", info.Styles.Skip(options.FrozenStyles))}; {string.Join(", ", styles.Names)} given: resume with the same --style images.");
        }

        TransformerNet? transformer = null;
        AdaInDecoder? decoder = null;
        if (options.Kind == StyleModelKind.AdaIn)
        {
            decoder = StyleModelFile.LoadDecoder(file, checkpoint, info);
        }
        else
        {
            transformer = StyleModelFile.LoadTransformer(file, checkpoint, info);
        }

        var trainer = new FeedForwardTrainer(lossNetwork, options, content, styles, info.Styles, transformer, decoder, device);
        try
        {
            if (trainer.Info.TrainingData != info.TrainingData)
            {
                throw new ArgumentException(
                    $"{checkpoint} was trained on {info.TrainingData}; {trainer.Info.TrainingData} given: resume with the same training images.");
            }

            trainer._adam.Load(file, checkpoint);
            trainer.Step = step;
            return trainer;
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One optimiser step on batch <see cref="Step"/>; returns its losses. Throws <see cref="TrainingDivergedException"/>
    /// instead of applying a step whose loss or gradient is not finite (the weights stay those of the last good step).
    /// </summary>
    public TrainingLosses TrainStep()
    {
        using var scope = NewDisposeScope();
        var temporal = zeros(1, device: _device);
        var (total, content, style, variation) = Options.Kind == StyleModelKind.AdaIn ? AdaInLosses() : TransformerLosses(out temporal);
        var losses = new TrainingLosses(Step + 1, total.item<float>(), content.item<float>(), style.item<float>(), variation.item<float>())
        {
            Temporal = temporal.item<float>(),
        };
        _divergence.Check(losses);
        _adam.ZeroGrad();
        total.backward();
        if (_adam.FirstNonFiniteGradient() is { } parameter)
        {
            _divergence.GradientNotFinite(losses.Step, parameter);
        }

        _adam.Step();
        Step++;
        return losses;
    }

    /// <summary>Writes the model with its metadata (loadable with <see cref="StyleModelFile"/>).</summary>
    public void SaveModel(string path) => WriteAtomically(path, ModelTensors(), Info.ToMetadata());

    /// <summary>Writes the model plus Adam's state, the options and the step: everything <see cref="Resume"/> needs.</summary>
    public void SaveCheckpoint(string path)
    {
        var metadata = Info.ToMetadata();
        foreach (var (key, value) in _adam.Metadata())
        {
            metadata[key] = value;
        }

        metadata["training_options"] = Options.ToJson();
        metadata["checkpoint_step"] = Step.ToString(CultureInfo.InvariantCulture);
        WriteAtomically(path, ModelTensors().Concat(_adam.Export()), metadata);
    }

    /// <summary>
    /// The current network on <paramref name="content"/> (as given; resize it first): the first trained style,
    /// or for AdaIN the first style image at the content's size.
    /// </summary>
    public PlanarImage Preview(PlanarImage content)
    {
        if (_transformer is not null)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            _transformer.eval();
            try
            {
                var condition = StyleCondition.OneHot([Options.FrozenStyles], _transformer.Styles, _device);
                var amount = BorderPadding.Amount(content.Width, content.Height, BorderPadding.DefaultPixels);
                var output = _transformer.forward(BorderPadding.Reflect(content, amount).ToTensor(_device), condition).ToPlanarImage();
                return BorderPadding.Crop(output, amount, content.Width, content.Height);
            }
            finally
            {
                _transformer.train();
            }
        }

        var style = _styles.Image(0);
        var longSide = Math.Max(content.Width, content.Height);
        var scale = (double)longSide / Math.Max(style.Width, style.Height);
        style = style.Resize(Math.Max(1, (int)Math.Round(style.Width * scale)), Math.Max(1, (int)Math.Round(style.Height * scale)));
        var view = new AdaInStyleModel(_lossNetwork, _decoder!, Info, ownsEncoder: false, _device);
        try
        {
            return view.Stylise(content, StyleChoice.FromImage(style));
        }
        finally
        {
            _decoder!.train();
        }
    }

    public void Dispose()
    {
        _adam.Dispose();
        _transformer?.Dispose();
        _decoder?.Dispose();
        foreach (var tensor in _styleFeatures.SelectMany(f => f.Values))
        {
            tensor.Dispose();
        }
    }

    private static void Check(TrainingOptions options, FeatureNetwork lossNetwork, TrainingData styles)
    {
        var problems = new List<string>(options.Validate(lossNetwork.Taps));
        if (options.Kind == StyleModelKind.Single && (styles.Count != 1 || options.FrozenStyles != 0))
        {
            problems.Add($"A single-style network learns exactly one style image; {styles.Count} given (use --kind multi for several).");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>Each trained style's loss-network features at the style taps, once (the targets are rebuilt per step from them).</summary>
    private void PrepareStyleFeatures()
    {
        var styleSize = Options.StyleSize > 0 ? Options.StyleSize : Options.Size;
        var taps = Options.EffectiveStyleTaps.Keys.ToList();
        for (var s = 0; s < _styles.Count; s++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var image = _styles.Image(s);
            var scale = (double)styleSize / Math.Max(image.Width, image.Height);
            var sized = image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
            var features = _lossNetwork.Extract(sized.ToTensor(_device), taps);
            _styleFeatures.Add(features.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope()));
        }
    }

    private (Tensor Total, Tensor Content, Tensor Style, Tensor Variation) TransformerLosses(out Tensor temporal)
    {
        var network = _transformer!;
        var batch = Options.Batch;
        var input = _content.Batch(Step, batch, Options.Size, Options.Seed, Seeds.ContentCrops).to(_device);
        var styleOfElement = Enumerable.Range(0, batch).Select(i => (int)((((long)Step * batch) + i) % _styles.Count)).ToList();
        var condition = StyleCondition.OneHot([.. styleOfElement.Select(s => Options.FrozenStyles + s)], network.Styles, _device);
        var output = network.forward(input, condition);

        var styleTaps = Options.EffectiveStyleTaps;
        var generated = _lossNetwork.Extract(output, [.. styleTaps.Keys.Union(Options.ContentTaps.Keys)]);
        Dictionary<string, Tensor> original;
        using (no_grad())
        {
            original = _lossNetwork.Extract(input, [.. Options.ContentTaps.Keys]).ToDictionary();
        }

        var content = zeros(1, device: _device);
        foreach (var (tap, weight) in Options.ContentTaps)
        {
            content = content.Plus(ContentLoss.Compute(generated[tap], original[tap], ContentLoss.Scale(original[tap])).Times(weight));
        }

        var targets = styleOfElement.Distinct().ToDictionary(
            s => s,
            s => styleTaps.Keys.ToDictionary(tap => tap, tap => _styleLoss.Target(WeightedFeatures.From(_styleFeatures[s][tap], null))));
        var style = zeros(1, device: _device);
        foreach (var (tap, weight) in styleTaps)
        {
            for (var i = 0; i < batch; i++)
            {
                var element = WeightedFeatures.From(generated[tap][i..(i + 1)], null);
                style = style.Plus(_styleLoss.Loss(element, targets[styleOfElement[i]][tap]).Times(weight / batch));
            }
        }

        temporal = Options.TemporalWeight > 0 ? TemporalLoss(network, input, output, condition) : zeros(1, device: _device);
        var (total, c, s, v) = Combine(content, style, TotalVariation.Compute(output));
        return (Options.TemporalWeight > 0 ? total.Plus(temporal.squeeze().Times(Options.TemporalWeight)) : total, c, s, v);
    }

    /// <summary>
    /// ‖mask ⊙ (f(warp(x)) − warp(f(x)))‖² averaged over the trusted pixels and channels: the network should move its
    /// strokes with the picture instead of repainting them (Ruder et al. 2018; ReCoNet).
    /// </summary>
    private Tensor TemporalLoss(TransformerNet network, Tensor input, Tensor output, StyleCondition condition)
    {
        var (grid, mask) = SyntheticMotion.Random(
            (int)input.shape[0], (int)input.shape[2], (int)input.shape[3], Seeds.Derive(Options.Seed, Seeds.TemporalMotion, Step), _device);
        var ofMoved = network.forward(SyntheticMotion.Warp(input, grid), condition);
        var moved = SyntheticMotion.Warp(output, grid);
        var squared = ofMoved.sub(moved).square().mul(mask);
        return squared.sum().div(mask.sum().Times((float)output.shape[1]).AtLeast(1f)).reshape(1);
    }

    private (Tensor Total, Tensor Content, Tensor Style, Tensor Variation) AdaInLosses()
    {
        var decoder = _decoder!;
        var batch = Options.Batch;
        var size = Options.Size;
        var tap = Options.EncoderTap;
        var styleTaps = Options.EffectiveStyleTaps;
        var taps = styleTaps.Keys.Append(tap).Distinct().ToList();
        var contentImages = _content.Batch(Step, batch, size, Options.Seed, Seeds.ContentCrops).to(_device);
        var styleImages = StyleBatch(batch, size);

        Tensor target;
        IReadOnlyDictionary<string, Tensor> styleFeatures;
        using (no_grad())
        {
            var contentFeatures = _lossNetwork.Extract(contentImages, [tap])[tap];
            styleFeatures = _lossNetwork.Extract(styleImages, taps);
            target = AdaIn.Apply(contentFeatures, styleFeatures[tap]);
        }

        var decoded = decoder.forward(target)[.., .., ..size, ..size];
        var generated = _lossNetwork.Extract(decoded, taps);
        var content = ContentLoss.Compute(generated[tap], target, ContentLoss.Scale(target));
        var style = zeros(1, device: _device);
        foreach (var (styleTap, weight) in styleTaps)
        {
            for (var i = 0; i < batch; i++)
            {
                using var styleTarget = _styleLoss.Target(WeightedFeatures.From(styleFeatures[styleTap][i..(i + 1)], null));
                var element = WeightedFeatures.From(generated[styleTap][i..(i + 1)], null);
                style = style.Plus(_styleLoss.Loss(element, styleTarget).Times(weight / batch));
            }
        }

        return Combine(content, style, TotalVariation.Compute(decoded));
    }

    /// <summary>AdaIN's style crops: paintings (optionally augmented), then the procedural styles' share of the batch.</summary>
    private Tensor StyleBatch(int batch, int size)
    {
        var generated = _procedural is null ? 0 : Options.ProceduralCrops > 0 ? Options.ProceduralCrops : batch / 2;
        var paintings = _styles.Batch(Step, batch - generated, size, Options.Seed, Seeds.StyleCrops, Options.StyleAugment);
        return generated == 0
            ? paintings.to(_device)
            : cat([paintings, _procedural!.Batch(Step, generated, size, Options.Seed, Seeds.ProceduralStyles, Options.StyleAugment)], 0).to(_device);
    }

    private (Tensor Total, Tensor Content, Tensor Style, Tensor Variation) Combine(Tensor content, Tensor style, Tensor variation)
    {
        var total = content.Times(Options.ContentWeight)
            .Plus(style.Times(Options.StyleWeight))
            .Plus(variation.Times(Options.TotalVariationWeight));
        return (total.squeeze(), content.squeeze(), style.squeeze(), variation);
    }

    private IEnumerable<SafeTensor> ModelTensors() => ModuleWeights.Export(_transformer is not null ? _transformer : _decoder!);

    /// <summary>
    /// Writes beside <paramref name="path"/> under a name of its own (two writers never share a temporary file) and
    /// moves it into place, so readers see the old file or the new one. Non-finite weights are never written: a model
    /// or checkpoint that cannot be loaded is worse than none.
    /// </summary>
    private static void WriteAtomically(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var list = tensors.ToList();
        if (list.FirstOrDefault(t => t.Data.Any(v => !float.IsFinite(v))) is { } broken)
        {
            throw new InvalidOperationException($"Refusing to write {Path.GetFileName(path)}: '{broken.Name}' holds NaN or infinite values.");
        }

        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            SafeTensors.Write(temporary, list, metadata);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
