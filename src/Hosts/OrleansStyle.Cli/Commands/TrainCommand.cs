using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
        var content = new Option<string>("--content", "-c") { Description = "Folder of training photos (PNG, JPEG, WebP; subfolders included), e.g. COCO train2014.", Required = true };
        var styles = new Option<string[]>("--style", "-s")
        {
            Description = "Style image(s): one for single, one per style for multi; for adain the paintings crops are drawn from (files or folders).",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "Model file to write (safetensors).", Required = true };
        var size = new Option<int?>("--size") { Description = "Side of the square training crops (default 256)." };
        var batch = new Option<int?>("--batch") { Description = "Crops per step (default 4)." };
        var steps = new Option<int?>("--steps") { Description = "Total optimiser steps (default 40000); with --resume, where to stop." };
        var learningRate = new Option<float?>("--lr") { Description = "Adam learning rate (default 1e-3; adain 1e-4)." };
        var contentWeight = new Option<float?>("--content-weight") { Description = "Weight of the (relative) content loss (default 1)." };
        var styleWeight = new Option<float?>("--style-weight") { Description = "Weight of the (relative) style loss (default 10)." };
        var tvWeight = new Option<float?>("--tv-weight") { Description = "Weight of the total-variation loss (default 1; adain 0)." };
        var width = new Option<int?>("--width") { Description = "Base channels: transformer W (32 = Johnson et al.) or AdaIN decoder width (64 mirrors the encoder)." };
        var seed = new Option<int?>("--seed") { Description = "Seed for initialisation, data order and crops (default 0)." };
        var styleSize = new Option<int?>("--style-size") { Description = "single/multi: long side of the style images (default: --size)." };
        var loss = new Option<StyleLossKind?>("--loss") { Description = "single/multi style statistic: Gram (default), MeanStd, MmdLinear, MmdPolynomial, MmdGaussian, Wasserstein." };
        var encoderTap = new Option<string?>("--encoder-tap") { Description = "adain: the ResNet-18 tap to re-normalise: layer1, layer2 (default), layer3 or layer4." };
        var baseModel = new Option<string?>("--base") { Description = "multi: a trained single- or multi-style model; its styles are kept and only the new styles' γ/β are trained." };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint (model + optimizer state) every N steps; 0 = only when interrupted.", DefaultValueFactory = _ => 1000 };
        var checkpointPath = new Option<string?>("--checkpoint") { Description = "Checkpoint path (default: OUTPUT with .checkpoint.safetensors)." };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (same --content and --style; its options are used; --steps, and for fine-tuning --style-size and --style-taps, may change)." };
        var styleTaps = new Option<string?>("--style-taps") { Description = "Style loss taps and weights, e.g. stem=15,layer1=1,layer2=1 (default: stem=15, layer1–3=1; adain: stem and each stage up to the encoder tap, 1 each)." };
        var preview = new Option<string?>("--preview") { Description = "A photo to stylise with the current network every --preview-every steps (PNG beside OUTPUT)." };
        var previewEvery = new Option<int>("--preview-every") { Description = "Steps between previews.", DefaultValueFactory = _ => 500 };
        var threads = new Option<int>("--threads") { Description = "CPU threads for Torch; 0 = Torch's default (one per core).", DefaultValueFactory = _ => 0 };

        var command = new Command("train", """
            Train a feed-forward styliser. Examples:
              orleans-style train --kind single --content coco/ --style starry_night.jpg -o starry.safetensors
              orleans-style train --kind multi --content coco/ --style a.jpg b.jpg c.jpg -o abc.safetensors
              orleans-style train --kind multi --base abc.safetensors --content coco/ --style d.jpg -o abcd.safetensors
              orleans-style train --kind adain --content coco/ --style wikiart/ -o adain.safetensors
              orleans-style train --resume starry.checkpoint.safetensors --content coco/ --style starry_night.jpg -o starry.safetensors
            """)
        {
            kind, content, styles, output, size, batch, steps, learningRate, contentWeight, styleWeight, tvWeight, width, seed,
            styleSize, styleTaps, loss, encoderTap, baseModel, checkpointEvery, checkpointPath, resume, preview, previewEvery, threads,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
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
                });
            }
            else
            {
                var kindName = parse.GetValue(kind) ?? throw new ArgumentException("Give --kind single, multi or adain (or --resume a checkpoint).");
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
                    Width = parse.GetValue(width) ?? defaults.Width,
                    Seed = parse.GetValue(seed) ?? defaults.Seed,
                    StyleSize = parse.GetValue(styleSize) ?? defaults.StyleSize,
                    StyleLoss = parse.GetValue(loss) ?? defaults.StyleLoss,
                    EncoderTap = parse.GetValue(encoderTap) ?? defaults.EncoderTap,
                    StyleTaps = ParseTaps(parse.GetValue(styleTaps)),
                };
                using var baseStyles = LoadBase(parse.GetValue(baseModel), lossNetwork);
                trainer = FeedForwardTrainer.Create(lossNetwork, options, contentData, styleData, baseStyles, device);
            }

            using (trainer)
            {
                var totalSteps = parse.GetValue(steps) ?? trainer.Options.Steps;
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Training {trainer.Info.Architecture} ({StyleModelInfo.KindName(trainer.Options.Kind)}) on {contentData.Description}, " +
                    $"{trainer.Options.Batch}×{trainer.Options.Size}² crops, from step {trainer.Step} to {totalSteps}."));
                var finished = await TrainWithProgress(trainer, totalSteps, every, checkpoint, previewImage, previewSteps, outputPath, cancellationToken);
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
                                $"step {losses.Step}/{totalSteps}  loss {losses.Total:F3} (content {losses.Content:F3}, style {losses.Style:F3}, tv {losses.TotalVariation:F4})  {rate:F2} steps/s");
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

    private static TransformerStyleModel? LoadBase(string? path, FeatureNetwork lossNetwork)
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
        throw new ArgumentException($"--base {path} is an AdaIN model; styles can be added to single- or multi-style models only.");
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
