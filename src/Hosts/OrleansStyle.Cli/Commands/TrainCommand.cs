using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Training;
using OrleansStyle.Neural.Serialization;
using OrleansStyle.Neural.Style.Losses;
using Spectre.Console;
using TorchSharp;

namespace OrleansStyle.Cli.Commands;

/// <summary>Trains a feed-forward styliser (single, multi or AdaIN) on a folder of photos, with checkpoints and previews.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var kind = new Option<string?>("--kind", "-k") { Description = "single (one style per network), multi (many styles in one network) or adain (any style image)." };
        kind.AcceptOnlyFromAmong("single", "multi", "adain");
        var content = new Option<string>("--content", "-c") { Description = "Folder of training photos (PNG, JPEG, WebP; subfolders included), e.g. COCO train2014 (not with --gateway: the farm trains on its own photos).", };
        var styles = new Option<string[]>("--style", "-s")
        {
            Description = "Style image(s): one for single, one per style for multi; for adain the paintings crops are drawn from (files or folders).",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "Model file to write (safetensors); with --gateway, the registry name (a path's file name)." };
        var size = new Option<int?>("--size") { Description = "Side of the square training crops (default 256)." };
        var batch = new Option<int?>("--batch") { Description = "Crops per step (default 4)." };
        var steps = new Option<int?>("--steps") { Description = "Total optimiser steps (default 40000); with --resume, where to stop." };
        var learningRate = new Option<float?>("--lr") { Description = "Adam learning rate (default 1e-3; adain 1e-4)." };
        var contentWeight = new Option<float?>("--content-weight") { Description = "Weight of the (relative) content loss (default 1)." };
        var styleWeight = new Option<float?>("--style-weight") { Description = "Weight of the (relative) style loss (default 10)." };
        var tvWeight = new Option<float?>("--tv-weight") { Description = "Weight of the total-variation loss (default 1; adain 0)." };
        var temporalWeight = new Option<float?>("--temporal-weight")
        {
            Description = "single/multi, in this process: weight of the temporal term (output of a synthetically moved crop ≈ the moved output, for video; default 0 = off; a second forward pass per step).",
        };
        var width = new Option<int?>("--width") { Description = "Base channels: transformer W (32 = Johnson et al.) or AdaIN decoder width (64 mirrors the encoder)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for initialisation, data order and crops (default 0)." };
        var styleSize = new Option<int?>("--style-size") { Description = "single/multi: long side of the style images (default: --size)." };
        var loss = new Option<StyleLossKind?>("--loss") { Description = "single/multi style statistic: Gram (default), MeanStd, MmdLinear, MmdPolynomial, MmdGaussian, Wasserstein." };
        var encoderTap = new Option<string?>("--encoder-tap") { Description = "adain: the ResNet-18 tap to re-normalise: layer1, layer2 (default), layer3 or layer4." };
        var baseModel = new Option<string?>("--base") { Description = "multi: a trained single- or multi-style model; its styles are kept and only the new styles' γ/β are trained. adain: a trained decoder to start from." };
        var from = new Option<string?>("--from")
        {
            Description = "single/multi: start from a trained model's weights (same --style images, in its order; its architecture), e.g. to fine-tune it with --temporal-weight. Adam starts afresh; resume its checkpoints with --resume.",
        };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint (model + optimizer state) every N steps; 0 = only when interrupted.", DefaultValueFactory = _ => 1000 };
        var checkpointPath = new Option<string?>("--checkpoint") { Description = "Checkpoint path (default: OUTPUT with .checkpoint.safetensors)." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (same --content and --style; its options are used; --steps, --lr, and for fine-tuning --style-size and --style-taps, may change)." };
        var styleTaps = new Option<string?>("--style-taps") { Description = "Style loss taps and weights, e.g. stem=15,layer1=1,layer2=1 (default: stem=15, layer1–3=1; adain: stem and each stage up to the encoder tap, 1 each)." };
        var preview = new Option<string?>("--preview") { Description = "A photo to stylise with the current network every --preview-every steps (PNG beside OUTPUT)." };
        var previewEvery = new Option<int>("--preview-every") { Description = "Steps between previews.", DefaultValueFactory = _ => 500 };
        var styleAugment = new Option<bool>("--style-augment") { Description = "adain: random rotations, flips and colour changes of the style crops." };
        var proceduralStyles = new Option<int?>("--procedural-styles") { Description = "adain: add N procedurally painted style images (hatching, brush strokes, stippling, patches…) to the paintings." };
        var proceduralCrops = new Option<int?>("--procedural-crops") { Description = "adain with --procedural-styles: style crops per batch drawn from them (default: half the batch)." };
        var threads = new Option<int>("--threads") { Description = "CPU threads for Torch; 0 = Torch's default (one per core).", DefaultValueFactory = _ => 0 };

        var gateway = new Option<string?>("--gateway") { Description = "Train on a running gateway's farm (its own photos; style files are uploaded to its style library, names must be there)." };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key for --gateway (default: ${GatewayChannels.ApiKeyVariable})." };
        var jobId = new Option<string?>("--job-id") { Description = "--gateway: the training job's id." };
        var detach = new Option<bool>("--detach") { Description = "--gateway: start the job and return; follow it later with --attach ID." };
        var attach = new Option<string?>("--attach") { Description = "--gateway: follow a running training job by its id." };
        var overwrite = new Option<bool>("--overwrite") { Description = "--gateway: replace a model of the same name when the job finishes." };

        var command = new Command("train", """
            Train a feed-forward styliser. Examples:
              orleans-style train --kind single --content coco/ --style starry_night.jpg -o starry.safetensors
              orleans-style train --kind multi --content coco/ --style a.jpg b.jpg c.jpg -o abc.safetensors
              orleans-style train --kind multi --base abc.safetensors --content coco/ --style d.jpg -o abcd.safetensors
              orleans-style train --kind adain --content coco/ --style wikiart/ -o adain.safetensors
              orleans-style train --from abc.safetensors --content coco/ --style a.jpg b.jpg c.jpg --temporal-weight 100 --steps 300 -o abc-video.safetensors
              orleans-style train --resume starry.checkpoint.safetensors --content coco/ --style starry_night.jpg -o starry.safetensors
              orleans-style train --gateway http://localhost:5080 --kind multi --style a.jpg b.jpg --steps 2000 -o ab
            """)
        {
            kind, content, styles, output, size, batch, steps, learningRate, contentWeight, styleWeight, tvWeight, width, seed,
            styleSize, styleTaps, loss, encoderTap, baseModel, checkpointEvery, checkpointPath, resume, preview, previewEvery, threads,
            styleAugment, proceduralStyles, proceduralCrops, gateway, apiKey, jobId, detach, attach, overwrite, temporalWeight, from,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            if (parse.GetValue(gateway) is not null && parse.GetValue(temporalWeight) is not null)
            {
                throw new ArgumentException("--temporal-weight trains in this process only; drop --gateway, or drop --temporal-weight for a farm run.");
            }

            if (parse.GetValue(from) is not null && (parse.GetValue(gateway) is not null || parse.GetValue(resume) is not null || parse.GetValue(baseModel) is not null))
            {
                throw new ArgumentException("--from starts a new run in this process from a model's weights: drop --gateway, --resume and --base.");
            }

            if (parse.GetValue(gateway) is { } gatewayUrl)
            {
                return await GatewayCallErrors.Guard(() => parse.GetValue(attach) is { } attachId
                    ? GatewayTrain.AttachAsync(gatewayUrl, parse.GetValue(apiKey), attachId, cancellationToken)
                    : GatewayTrain.StartAsync(
                        new GatewayTrainArgs(
                            gatewayUrl, parse.GetValue(apiKey),
                            Path.GetFileNameWithoutExtension(parse.GetValue(output) ?? throw new ArgumentException("Give -o NAME: the model's name in the gateway's registry.")),
                            parse.GetValue(kind) ?? throw new ArgumentException("Give --kind single, multi or adain."),
                            parse.GetValue(styles) is { Length: > 0 } named ? named : throw new ArgumentException("Give --style: image files or names in the gateway's style library."),
                            parse.GetValue(steps) ?? throw new ArgumentException("Give --steps: training on a farm has no implicit length."),
                            parse.GetValue(overwrite), parse.GetValue(jobId), parse.GetValue(detach))
                        {
                            Size = parse.GetValue(size) ?? 0,
                            Batch = parse.GetValue(batch) ?? 0,
                            Width = parse.GetValue(width) ?? 0,
                            LearningRate = parse.GetValue(learningRate) ?? 0,
                            ContentWeight = parse.GetValue(contentWeight) ?? 0,
                            StyleWeight = parse.GetValue(styleWeight) ?? 0,
                            StyleSize = parse.GetValue(styleSize) ?? 0,
                            Seed = parse.GetValue(seed) ?? 0,
                        },
                        cancellationToken));
            }

            if (parse.GetValue(content) is null || parse.GetValue(output) is null || parse.GetValue(styles) is not { Length: > 0 })
            {
                throw new ArgumentException("Give --content FOLDER, --style IMAGE… and -o MODEL.safetensors (or --gateway URL to train on a farm).");
            }

            var outputPath = Path.GetFullPath(parse.GetValue(output)!);
            RequireFolder(outputPath);
            var checkpoint = Path.GetFullPath(parse.GetValue(checkpointPath) ?? Path.ChangeExtension(outputPath, ".checkpoint.safetensors"));
            RequireFolder(checkpoint);
            var every = parse.GetValue(checkpointEvery);
            var previewSteps = parse.GetValue(previewEvery);
            if (every < 0 || previewSteps < 1)
            {
                throw new ArgumentException("--checkpoint-every must be 0 or more and --preview-every at least 1.");
            }

            if (parse.GetValue(threads) is var threadCount and > 0)
            {
                torch.set_num_threads(threadCount);
            }

            var previewImage = parse.GetValue(preview) is { } previewPath ? ImageFiles.ReadRgb(previewPath).FitWithin(512) : null;
            var contentData = TrainingData.FromDirectory(parse.GetValue(content)!);
            var styleData = StyleData(parse.GetValue(styles) ?? []);

            using var lossNetwork = ResNetOnnxImporter.LoadDefault();
            var device = DeviceChoice.Best();
            lossNetwork.to(device);

            FeedForwardTrainer trainer;
            if (parse.GetValue(resume) is { } resumePath)
            {
                trainer = FeedForwardTrainer.Resume(Path.GetFullPath(resumePath), lossNetwork, contentData, styleData, device, options => options with
                {
                    StyleSize = parse.GetValue(styleSize) ?? options.StyleSize,
                    StyleTaps = ParseTaps(parse.GetValue(styleTaps)) ?? options.StyleTaps,
                    LearningRate = parse.GetValue(learningRate) ?? options.LearningRate, // a run that diverged resumes slower
                });
            }
            else
            {
                using var start = LoadStart(parse.GetValue(from), lossNetwork);
                var kindName = parse.GetValue(kind) ?? (start is null
                    ? throw new ArgumentException("Give --kind single, multi or adain (or --resume a checkpoint).")
                    : StyleModelInfo.KindName(start.Kind));
                StyleModelInfo.TryParseKind(kindName, out var modelKind);
                var defaults = TrainingOptions.For(modelKind);
                var options = defaults with
                {
                    Size = parse.GetValue(size) ?? defaults.Size,
                    Batch = parse.GetValue(batch) ?? defaults.Batch,
                    Steps = parse.GetValue(steps) ?? defaults.Steps,
                    LearningRate = parse.GetValue(learningRate) ?? defaults.LearningRate,
                    ContentWeight = parse.GetValue(contentWeight) ?? defaults.ContentWeight,
                    StyleWeight = parse.GetValue(styleWeight) ?? defaults.StyleWeight,
                    TotalVariationWeight = parse.GetValue(tvWeight) ?? defaults.TotalVariationWeight,
                    TemporalWeight = parse.GetValue(temporalWeight) ?? defaults.TemporalWeight,
                    Width = parse.GetValue(width) ?? defaults.Width,
                    Seed = parse.GetValue(seed) ?? defaults.Seed,
                    StyleSize = parse.GetValue(styleSize) ?? defaults.StyleSize,
                    StyleLoss = parse.GetValue(loss) ?? defaults.StyleLoss,
                    EncoderTap = parse.GetValue(encoderTap) ?? defaults.EncoderTap,
                    StyleTaps = ParseTaps(parse.GetValue(styleTaps)),
                    StyleAugment = parse.GetValue(styleAugment),
                    ProceduralStyles = parse.GetValue(proceduralStyles) ?? defaults.ProceduralStyles,
                    ProceduralCrops = parse.GetValue(proceduralCrops) ?? defaults.ProceduralCrops,
                };
                if (start is not null)
                {
                    trainer = FeedForwardTrainer.StartFrom(start, lossNetwork, options, contentData, styleData, device);
                }
                else
                {
                    using var baseStyles = LoadBase(parse.GetValue(baseModel), lossNetwork);
                    trainer = FeedForwardTrainer.Create(lossNetwork, options, contentData, styleData, baseStyles, device);
                }
            }

            using (trainer)
            {
                var totalSteps = parse.GetValue(steps) ?? trainer.Options.Steps;
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Training {trainer.Info.Architecture} ({StyleModelInfo.KindName(trainer.Options.Kind)}) on {contentData.Description}, " +
                    $"{trainer.Options.Batch}×{trainer.Options.Size}² crops, from step {trainer.Step} to {totalSteps}."));
                bool finished;
                try
                {
                    finished = await TrainWithProgress(trainer, totalSteps, every, checkpoint, previewImage, previewSteps, outputPath, cancellationToken);
                }
                catch (TrainingDivergedException diverged)
                {
                    // No model is written; a checkpoint on disk predates the divergence (only finite weights are ever written).
                    var next = File.Exists(checkpoint) ? $"--resume {checkpoint} with a lower --lr" : "start again with a lower --lr";
                    return CliErrors.Failed($"{diverged.Message} ({next}.)");
                }

                if (contentData.Rejected.Count > 0)
                {
                    AnsiConsole.MarkupLine($"[yellow]Skipped {contentData.Rejected.Count} undecodable training image(s).[/]");
                }

                if (!finished)
                {
                    trainer.SaveCheckpoint(checkpoint);
                    AnsiConsole.MarkupLine(Markup.Escape($"Stopped at step {trainer.Step}; checkpoint {checkpoint} (continue with --resume)."));
                    return CliErrors.Cancelled;
                }

                trainer.SaveModel(outputPath);
                AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(outputPath)}[/] (step {trainer.Step}).");
                return 0;
            }
        }));

        return command;
    }

    /// <summary>Runs steps until <paramref name="totalSteps"/>; false when cancelled (the caller writes a checkpoint).</summary>
    private static async Task<bool> TrainWithProgress(
        FeedForwardTrainer trainer, int totalSteps, int checkpointEvery, string checkpoint, PlanarImage? previewImage, int previewEvery, string output,
        CancellationToken cancellationToken)
    {
        var finished = false;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("training", maxValue: Math.Max(totalSteps, 1));
                task.Value = trainer.Step;
                var clock = Stopwatch.StartNew();
                var startStep = trainer.Step;
                finished = await Task.Run(
                    () =>
                    {
                        while (trainer.Step < totalSteps)
                        {
                            if (cancellationToken.IsCancellationRequested)
                            {
                                return false;
                            }

                            var losses = trainer.TrainStep();
                            var rate = (trainer.Step - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                            task.Description = string.Create(
                                CultureInfo.InvariantCulture,
                                $"step {losses.Step}/{totalSteps}  loss {losses.Total:F3} (content {losses.Content:F3}, style {losses.Style:F3}, tv {losses.TotalVariation:F4}{(losses.Temporal > 0 ? $", temporal {losses.Temporal:F5}" : "")})  {rate:F2} steps/s");
                            task.Value = trainer.Step;
                            if (checkpointEvery > 0 && trainer.Step % checkpointEvery == 0)
                            {
                                trainer.SaveCheckpoint(checkpoint);
                            }

                            if (previewImage is not null && trainer.Step % previewEvery == 0)
                            {
                                var previewPath = Path.ChangeExtension(output, null) + string.Create(CultureInfo.InvariantCulture, $".preview-{trainer.Step:D6}.png");
                                ImageFiles.Write(trainer.Preview(previewImage), previewPath);
                            }
                        }

                        return true;
                    },
                    CancellationToken.None);
                task.Value = trainer.Step;
                context.Refresh();
            });
        return finished;
    }

    /// <summary>Style files, or every image in style folders (AdaIN's painting collections).</summary>
    private static TrainingData StyleData(string[] specs)
    {
        if (specs.Length == 1 && Directory.Exists(specs[0]))
        {
            return TrainingData.FromDirectory(specs[0]);
        }

        var files = new List<string>();
        foreach (var spec in specs)
        {
            if (Directory.Exists(spec))
            {
                throw new ArgumentException($"--style {spec} is a folder: give one folder alone, or image files.");
            }

            if (!File.Exists(spec))
            {
                throw new FileNotFoundException($"No such file: {spec}", spec);
            }

            files.Add(Path.GetFullPath(spec));
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("Give at least one --style image.");
        }

        return TrainingData.FromFiles(files);
    }

    private static IStyleModel? LoadBase(string? path, FeatureNetwork lossNetwork)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }

        // Multi-style runs add styles to it; AdaIN runs start from its decoder (the trainer checks which fits).
        return StyleModelFile.Load(SafeTensors.Read(path), path, lossNetwork);
    }

    /// <summary>--from: a trained single- or multi-style network, or null.</summary>
    private static TransformerStyleModel? LoadStart(string? path, FeatureNetwork lossNetwork)
    {
        if (path is null)
        {
            return null;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }

        var model = StyleModelFile.Load(SafeTensors.Read(path), path, lossNetwork);
        if (model is TransformerStyleModel transformer)
        {
            return transformer;
        }

        model.Dispose();
        throw new ArgumentException($"--from {path} is not a single- or multi-style network (an AdaIN decoder starts a run with --base).");
    }

    private static void RequireFolder(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output folder {directory} does not exist.");
        }
    }

    /// <summary>"stem=15,layer1=1" → taps and weights; null when not given.</summary>
    private static Dictionary<string, float>? ParseTaps(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var taps = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pieces.Length != 2 || !float.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            {
                throw new ArgumentException($"--style-taps: '{part}' is not TAP=WEIGHT (e.g. stem=15,layer1=1).");
            }

            taps[pieces[0]] = weight;
        }

        return taps;
    }
}
