using System.CommandLine;
using System.Diagnostics;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Style.Optimization;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

internal static class RenderCommand
{
    public static Command Create()
    {
        var content = new Argument<string>("content") { Description = "The photo to stylise (PNG, JPEG or WebP)." };
        var styles = new Option<string[]>("--style", "-s")
        {
            Description = "Style image, optionally with a blend weight: --style starry.jpg=0.7 --style scream.jpg=0.3.",
            AllowMultipleArgumentsPerToken = false,
        };
        var styleMasks = new Option<string[]>("--style-mask") { Description = "Mask on the i-th --style image: only its white part is used (guided statistics)." };
        var regions = new Option<string[]>("--region")
        {
            Description = "Spatial control: MASK:STYLE[=W][+STYLE[=W]][@COLOR]. '!MASK' inverts; COLOR is a --color mode for that region. E.g. --region fg.png:starry.jpg@PreserveContentColors --region !fg.png:scream.jpg.",
        };
        var fineStyle = new Option<string?>("--fine-style") { Description = "Mixed-scale mode: this painting supplies the fine strokes…" };
        var coarseStyle = new Option<string?>("--coarse-style") { Description = "…and this one the coarse structure." };
        var method = new Option<string?>("--method", "-m") { Description = "optimize (Gatys), model (a trained --model file) or adain (an AdaIN --model file); default: model when --model is given, else optimize." };
        method.AcceptOnlyFromAmong("optimize", "model", "adain");
        var model = new Option<string?>("--model") { Description = "A trained model file (.safetensors): --model models/multi.safetensors --style starry_night=0.7 --style the_scream=0.3." };
        var alpha = new Option<float?>("--alpha") { Description = "AdaIN models only: content/style trade-off, 0 = content, 1 = full style (default)." };
        var output = new Option<string>("--output", "-o") { Description = "Result path; the extension picks PNG, JPEG or WebP.", Required = true };
        var defaults = new OptimizationSettings();
        var size = new Option<int>("--size")
        {
            Description = "Cap on the result's long side in pixels: a larger photo is shrunk to it, a smaller one is never enlarged (the same through the farm, a gateway and --whole); 0 keeps the photo's size.",
            DefaultValueFactory = _ => defaults.Size,
        };
        var tileSize = new Option<int>("--tile-size")
        {
            Description = $"Farm renders: tile side in pixels, {RenderPlanner.MinTileSize}–{RenderPlanner.MaxTileSize}; smaller tiles need less GPU memory. 0 (the default) lets the farm choose from its devices' memory.",
        };
        var overlap = new Option<int>("--overlap")
        {
            Description = "Farm renders: pixels neighbouring tiles share (blended across), up to half the tile size. 0 (the default) lets the farm choose.",
        };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Iterations at full size.", DefaultValueFactory = _ => defaults.Iterations };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "lbfgs or adam.", DefaultValueFactory = _ => defaults.Optimizer };
        var learningRate = new Option<float>("--lr") { Description = "Adam step size (pixels in 0–1).", DefaultValueFactory = _ => defaults.LearningRate };
        var loss = new Option<StyleLossKind>("--loss") { Description = "Style loss: Gram, MeanStd, MmdLinear, MmdPolynomial, MmdGaussian, Wasserstein.", DefaultValueFactory = _ => defaults.Loss };
        var init = new Option<InitKind>("--init") { Description = "Content, Noise or ColorMatchedContent.", DefaultValueFactory = _ => defaults.Init };
        var seed = new Option<int>("--seed") { Description = "Random seed (noise init, kernel samples).", DefaultValueFactory = _ => defaults.Seed };
        var contentWeight = new Option<float>("--content-weight") { DefaultValueFactory = _ => defaults.ContentWeight, Description = "Weight of the content loss." };
        var styleWeight = new Option<float>("--style-weight") { DefaultValueFactory = _ => defaults.StyleWeight, Description = "Weight of the style loss." };
        var tvWeight = new Option<float>("--tv-weight") { DefaultValueFactory = _ => defaults.TotalVariationWeight, Description = "Weight of the total-variation smoothness loss." };
        var strokes = new Option<StrokeScale?>("--strokes") { Description = "Tap preset: Fine, Medium or Coarse strokes." };
        var styleTaps = new Option<string?>("--style-taps") { Description = "Style taps with weights, e.g. stem=1,layer1=1,layer2=0.5 (overrides --strokes)." };
        var contentTaps = new Option<string?>("--content-taps") { Description = "Content taps with weights, e.g. layer3=1." };
        var styleScale = new Option<float>("--style-scale") { Description = "Style image size relative to the content: >1 larger strokes, <1 finer.", DefaultValueFactory = _ => defaults.StyleScale };
        var pyramidMin = new Option<int>("--pyramid-min") { Description = "Smallest coarse-to-fine level (long side); 0 disables the pyramid.", DefaultValueFactory = _ => defaults.PyramidMinSize };
        var pyramidIterations = new Option<int>("--pyramid-iterations") { Description = "Iterations at each coarser level.", DefaultValueFactory = _ => defaults.PyramidIterations };
        var color = new Option<ColorMode>("--color") { Description = "Style, LuminanceOnly, MatchContentColors or PreserveContentColors.", DefaultValueFactory = _ => defaults.Color };
        var luminanceSpace = new Option<LuminanceSpace>("--luminance-space") { Description = "Lab or Yiq, for the luminance colour modes.", DefaultValueFactory = _ => defaults.LuminanceSpace };
        var transform = new Option<Neural.FeedForward.Networks.FeatureTransform>("--transform")
        {
            Description = "AdaIN feature transform: AdaIn (channel mean and std, the default) or Wct (full covariance; whole-picture renders only, measured no better on the bundled decoder).",
            DefaultValueFactory = _ => Neural.FeedForward.Networks.FeatureTransform.AdaIn,
        };
        var decoderColors = new Option<bool>("--decoder-colors") { Description = "AdaIN: keep the decoder's own colours instead of giving the result the painting's colour mean and covariance." };
        var strokeScale = new Option<float>("--stroke-scale")
        {
            Description = $"--model renders: strokes S times larger than the network paints them ({StrokeScaling.Min}–{StrokeScaling.Max}; the network runs on the picture shrunk by S and the photo's fine detail is added back). Default 0: automatic, strokes as on a {StrokeScaling.ReferenceLongSide}-px picture.",
        };
        var strokeDetail = new Option<float>("--stroke-detail")
        {
            Description = "With --stroke-scale above 1: share of the photo's fine luminance detail added back, 0–1 (--whole only).",
            DefaultValueFactory = _ => StrokeScaling.DefaultDetail,
        };
        var metrics = new Option<bool>("--metrics") { Description = "Print palette, texture and structure figures (docs/quality.md) for the result." };
        var stretchMasks = new Option<bool>("--stretch-masks") { Description = "Resize masks whose aspect ratio differs from their image instead of refusing them." };
        var strip = new Option<string?>("--comparison") { Description = "Also write content, style(s), masks and result side by side to this PNG." };
        var gateway = new Option<string?>("--gateway") { Description = "Send the render to a running gateway (orleans-style serve), e.g. http://localhost:5080; --model then names a model of its registry." };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key for --gateway (default: ${Gateway.GatewayChannels.ApiKeyVariable})." };
        var jobId = new Option<string?>("--job-id") { Description = "--gateway: the job's id, to re-attach with `orleans-style jobs attach ID` later." };
        var detach = new Option<bool>("--detach") { Description = "--gateway: keep the job running if this command stops early." };
        var whole = new Option<bool>("--whole")
        {
            Description = "Render the whole picture at once in this process instead of through the embedded farm's tiles. Implied by the optimiser's research options (--loss, --style-taps, --optimizer, …), which the farm does not take.",
        };

        var command = new Command("render", """
            Stylise a photo. By default the render runs on an embedded farm in this process (tiled, exactly as a gateway
            renders it, so --gateway gives the same bytes); --whole renders the picture at once instead. Examples:
              orleans-style render photo.jpg --model models/multi4.safetensors --style starry_night=0.7 --style the_scream=0.3 -o out.png
              orleans-style render photo.jpg --model models/adain.safetensors --method adain --style painting.jpg --alpha 0.8 -o out.png
              orleans-style render photo.jpg --style starry_night.jpg --size 512 -o out.png
              orleans-style render photo.jpg --style starry_night.jpg --loss MmdGaussian --style-taps stem=1,layer1=1 -o out.png
            """)
        {
            content, styles, styleMasks, regions, fineStyle, coarseStyle, method, model, alpha, output, size, tileSize, overlap, iterations, optimizer, learningRate,
            loss, init, seed, contentWeight, styleWeight, tvWeight, strokes, styleTaps, contentTaps, styleScale, pyramidMin,
            pyramidIterations, color, luminanceSpace, decoderColors, transform, strokeScale, strokeDetail, metrics, strip, stretchMasks, gateway, apiKey, jobId, detach, whole,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            var geometry = new RenderGeometry(parse.GetValue(size), parse.GetValue(tileSize), parse.GetValue(overlap));
            if (geometry.Problems() is { Count: > 0 } geometryProblems)
            {
                throw new ArgumentException(string.Join(" ", geometryProblems));
            }

            if (StrokeScaling.Problem(parse.GetValue(strokeScale)) is { } strokeProblem)
            {
                throw new ArgumentException("--stroke-scale: " + strokeProblem);
            }

            if (parse.GetResult(strokeScale) is { Implicit: false } && (parse.GetValue(method) ?? (parse.GetValue(model) is null ? "optimize" : "model")) == "optimize")
            {
                throw new ArgumentException("--stroke-scale applies to --model renders; optimisation sizes its strokes with --style-scale.");
            }

            // Options only the whole-picture path knows: given explicitly, they decide the path (or refuse a gateway).
            var inProcessOnly = new Option[]
            {
                styleMasks, fineStyle, coarseStyle, optimizer, learningRate, loss, init, contentWeight, styleWeight, tvWeight, strokes,
                styleTaps, contentTaps, styleScale, pyramidMin, pyramidIterations, luminanceSpace, stretchMasks, transform, strokeDetail,
            }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if ((parse.GetValue(regions) ?? []).Any(r => r.LastIndexOf('@') > 0))
            {
                inProcessOnly.Add("--region …@COLOR");
            }

            if (parse.GetValue(color) == ColorMode.MatchContentColors)
            {
                inProcessOnly.Add("--color MatchContentColors"); // a whole-picture colour transfer, not applied per tile yet
            }

            var gatewayUrl = parse.GetValue(gateway);
            if (gatewayUrl is not null && (inProcessOnly.Count > 0 || parse.GetValue(whole)))
            {
                throw new ArgumentException(
                    $"{string.Join(", ", parse.GetValue(whole) ? ["--whole", .. inProcessOnly] : inProcessOnly)} only work in this process: drop --gateway, or drop them.");
            }

            if (gatewayUrl is not null || (!parse.GetValue(whole) && inProcessOnly.Count == 0))
            {
                var modelName = parse.GetValue(model);
                var farmRequest = new Gateway.GatewayRenderArgs(
                    gatewayUrl ?? "", parse.GetValue(apiKey), parse.GetValue(content)!, parse.GetValue(styles) ?? [], parse.GetValue(regions) ?? [],
                    modelName, parse.GetValue(method) ?? (modelName is null ? "optimize" : "model"), parse.GetValue(alpha),
                    geometry, parse.GetValue(color), parse.GetResult(iterations) is { Implicit: false } ? parse.GetValue(iterations) : 0,
                    parse.GetValue(output)!, parse.GetValue(jobId), parse.GetValue(detach))
                {
                    KeepDecoderColors = parse.GetValue(decoderColors),
                    Seed = parse.GetValue(seed),
                    StrokeScale = parse.GetValue(strokeScale),
                };
                var code = await Gateway.GatewayCallErrors.Guard(() => gatewayUrl is null
                    ? Gateway.EmbeddedFarmRender.RunAsync(farmRequest, cancellationToken)
                    : Gateway.GatewayRender.RunAsync(farmRequest, cancellationToken));
                if (code == 0)
                {
                    Describe(parse.GetValue(content)!, parse.GetValue(output)!, farmRequest, parse.GetValue(strip), parse.GetValue(metrics));
                }

                return code;
            }

            var tiling = new Option[] { tileSize, overlap }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
            if (tiling.Count > 0)
            {
                throw new ArgumentException(
                    $"{string.Join(" and ", tiling)}: only farm renders are tiled, and {(parse.GetValue(whole) ? "--whole" : string.Join(", ", inProcessOnly))} asks for a whole-picture render in this process; drop one or the other.");
            }

            var settings = new OptimizationSettings
            {
                Iterations = parse.GetValue(iterations),
                Optimizer = parse.GetValue(optimizer),
                LearningRate = parse.GetValue(learningRate),
                Loss = parse.GetValue(loss),
                Init = parse.GetValue(init),
                Seed = parse.GetValue(seed),
                ContentWeight = parse.GetValue(contentWeight),
                StyleWeight = parse.GetValue(styleWeight),
                TotalVariationWeight = parse.GetValue(tvWeight),
                StyleScale = parse.GetValue(styleScale),
                PyramidMinSize = parse.GetValue(pyramidMin),
                PyramidIterations = parse.GetValue(pyramidIterations),
                Color = parse.GetValue(color),
                LuminanceSpace = parse.GetValue(luminanceSpace),
            };
            if (parse.GetValue(strokes) is { } preset)
            {
                settings = settings with { StyleTaps = StyleTapPresets.For(preset) };
            }

            var modelPath = parse.GetValue(model);
            var methodName = parse.GetValue(method) ?? (modelPath is null ? "optimize" : "model");
            if (methodName != "optimize")
            {
                return await RenderWithModel(parse, modelPath, methodName, content, styles, regions, output, geometry, alpha, color, luminanceSpace, decoderColors, transform, strokeScale, strokeDetail, stretchMasks, strip, metrics);
            }

            if (parse.GetValue(fineStyle) is not null && parse.GetValue(strokes) is null)
            {
                settings = settings with { StyleTaps = StyleTapPresets.MixedScale() };
            }

            if (parse.GetValue(styleTaps) is { } tapSpec)
            {
                settings = settings with { StyleTaps = StyleSpecs.ParseTaps(tapSpec) };
            }

            if (parse.GetValue(contentTaps) is { } contentSpec)
            {
                settings = settings with { ContentTaps = StyleSpecs.ParseTaps(contentSpec) };
            }

            // The picture is fitted here, as the gateway fits an upload, so the optimiser renders it at the size it has.
            var contentImage = geometry.Fit(ImageFiles.ReadRgb(parse.GetValue(content)!));
            settings = settings with { Size = contentImage.Size.LongSide };
            var regionList = BuildRegions(
                contentImage, parse.GetValue(styles) ?? [], parse.GetValue(styleMasks) ?? [], parse.GetValue(regions) ?? [],
                parse.GetValue(fineStyle), parse.GetValue(coarseStyle), settings, parse.GetValue(stretchMasks));
            var request = new StyleRequest(contentImage, regionList, settings);
            var problems = request.Validate();
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join(Environment.NewLine + "       ", problems));
            }

            using var network = ResNetOnnxImporter.LoadDefault();
            var stylizer = new GatysStylizer(network, DeviceChoice.Best());
            var result = await RenderWithProgress(stylizer, request, cancellationToken);
            var outputPath = parse.GetValue(output)!;
            ImageFiles.Write(result, outputPath);
            AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(outputPath)}[/] ({result.Width}×{result.Height}).");

            if (parse.GetValue(strip) is { } stripPath)
            {
                var panels = new List<Imaging.PlanarImage> { contentImage };
                foreach (var region in regionList)
                {
                    if (region.Mask is not null)
                    {
                        panels.Add(region.Mask);
                    }

                    panels.AddRange(region.Styles.Select(s => s.Image));
                }

                panels.Add(result);
                ImageFiles.Write(ComparisonStrip.Build(panels, result.Height), stripPath);
            }

            if (parse.GetValue(metrics))
            {
                var style = regionList[0].Styles[0].Image;
                QualityCommand.Print(StylisationQuality.Measure(result, contentImage, style), StylisationQuality.ChromaDistance(result, contentImage));
            }

            return 0;
        }));

        return command;
    }

    /// <summary>--comparison and --metrics for a farm render, from the written result.</summary>
    private static void Describe(string contentPath, string outputPath, Gateway.GatewayRenderArgs request, string? stripPath, bool metrics)
    {
        if (stripPath is null && !metrics)
        {
            return;
        }

        var result = ImageFiles.ReadRgb(outputPath);
        var contentImage = ImageFiles.ReadRgb(contentPath);
        if (stripPath is not null)
        {
            ImageFiles.Write(ComparisonStrip.Build([contentImage, result], result.Height), stripPath);
        }

        // Figures need the painting: only renders whose styles are image files (AdaIN, optimisation) have one.
        if (metrics && request.Styles is [var first, ..] && StyleSpecs.ParseWeighted(first).Path is var stylePath && File.Exists(stylePath))
        {
            var style = ImageFiles.ReadRgb(stylePath);
            QualityCommand.Print(StylisationQuality.Measure(result, contentImage, style), StylisationQuality.ChromaDistance(result, contentImage));
        }
    }

    private static async Task<int> RenderWithModel(
        ParseResult parse, string? modelPath, string methodName, Argument<string> content, Option<string[]> styles, Option<string[]> regions,
        Option<string> output, RenderGeometry geometry, Option<float?> alpha, Option<ColorMode> color, Option<LuminanceSpace> luminanceSpace,
        Option<bool> decoderColors, Option<Neural.FeedForward.Networks.FeatureTransform> transform, Option<float> strokeScale, Option<float> strokeDetail, Option<bool> stretchMasks,
        Option<string?> strip, Option<bool> metrics)
    {
        if (modelPath is null)
        {
            throw new ArgumentException($"--method {methodName} needs --model PATH (a .safetensors model file).");
        }

        var renderer = new FeedForwardRender(modelPath);
        var isAdaIn = renderer.Info.Kind == Neural.FeedForward.StyleModelKind.AdaIn;
        if (isAdaIn != (methodName == "adain"))
        {
            throw new ArgumentException($"{modelPath} is a {renderer.Info.Kind} model; use --method {(isAdaIn ? "adain" : "model")} with it.");
        }

        if (parse.GetValue(alpha) is not null && !isAdaIn)
        {
            throw new ArgumentException($"--alpha applies to AdaIN models only; {Path.GetFileName(modelPath)} is a {renderer.Info.Kind} model: mix its styles with --style NAME=WEIGHT.");
        }

        var contentImage = geometry.Fit(ImageFiles.ReadRgb(parse.GetValue(content)!));
        var options = new FeedForwardRequestOptions(
            parse.GetValue(alpha) ?? 1f, parse.GetValue(color), parse.GetValue(luminanceSpace), parse.GetValue(decoderColors), parse.GetValue(transform))
        {
            StrokeScale = parse.GetValue(strokeScale),
            StrokeDetail = parse.GetValue(strokeDetail),
        };
        var clock = Stopwatch.StartNew();
        var result = await AnsiConsole.Status().StartAsync($"Stylising with {Path.GetFileName(modelPath)}…", _ => Task.Run(() =>
            renderer.Render(options, contentImage, parse.GetValue(styles) ?? [], parse.GetValue(regions) ?? [], parse.GetValue(stretchMasks))));
        var outputPath = parse.GetValue(output)!;
        ImageFiles.Write(result, outputPath);
        AnsiConsole.MarkupLine($"Wrote [green]{Markup.Escape(outputPath)}[/] ({result.Width}×{result.Height}) in {clock.Elapsed.TotalSeconds:F1} s.");
        if (parse.GetValue(strip) is { } stripPath)
        {
            ImageFiles.Write(ComparisonStrip.Build([contentImage, result], result.Height), stripPath);
        }

        if (parse.GetValue(metrics) && isAdaIn && parse.GetValue(styles) is [var first, ..])
        {
            var style = ImageFiles.ReadRgb(StyleSpecs.ParseWeighted(first).Path);
            QualityCommand.Print(StylisationQuality.Measure(result, contentImage, style), StylisationQuality.ChromaDistance(result, contentImage));
        }

        return 0;
    }

    private static List<StyleRegion> BuildRegions(
        Imaging.PlanarImage content,
        string[] styles, string[] styleMasks, string[] regions, string? fine, string? coarse, OptimizationSettings settings, bool stretchMasks)
    {
        var result = new List<StyleRegion>();
        if (styles.Length > 0)
        {
            if (styleMasks.Length > styles.Length)
            {
                throw new ArgumentException($"{styleMasks.Length} --style-mask options for {styles.Length} --style images: give at most one mask per style.");
            }

            var sources = styles.Select((spec, i) => StyleSpecs.LoadStyle(spec, i < styleMasks.Length ? styleMasks[i] : null, stretchMasks: stretchMasks)).ToList();
            result.Add(new StyleRegion(null, sources));
        }

        if (fine is not null || coarse is not null)
        {
            if (fine is null || coarse is null)
            {
                throw new ArgumentException("Mixed-scale mode needs both --fine-style and --coarse-style.");
            }

            // Gatys' mixed-scale mode: the fine-stroke taps see one painting, the coarse-structure taps the other.
            var fineTaps = StyleTapPresets.For(StrokeScale.Fine).Keys.Where(settings.StyleTaps.ContainsKey).ToList();
            var coarseTaps = StyleTapPresets.For(StrokeScale.Coarse).Keys.Where(settings.StyleTaps.ContainsKey).ToList();
            result.Add(new StyleRegion(null, [StyleSpecs.LoadStyle(fine, taps: fineTaps), StyleSpecs.LoadStyle(coarse, taps: coarseTaps)]));
        }

        result.AddRange(regions.Select(spec => StyleSpecs.ParseRegion(spec, content, stretchMasks)));
        if (result.Count == 0)
        {
            throw new ArgumentException("Give a style: --style PATH, --region MASK:PATH, or --fine-style with --coarse-style.");
        }

        if (result.Count > 1 && result.Any(r => r.Mask is null))
        {
            throw new ArgumentException("--style and mixed-scale styles apply to the whole image; combine them with --region only through masks.");
        }

        return result;
    }

    private static async Task<Imaging.PlanarImage> RenderWithProgress(GatysStylizer stylizer, StyleRequest request, CancellationToken cancellationToken)
    {
        Imaging.PlanarImage? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<int, ProgressTask>();
                var clock = Stopwatch.StartNew();
                var progress = new InlineProgress<OptimizationProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Level, out var task))
                    {
                        clock.Restart();
                        task = tasks[p.Level] = context.AddTask($"level {p.Level}/{p.Levels} {p.Width}×{p.Height}", maxValue: p.Iterations);
                    }

                    var rate = p.Iteration / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                    task.Description = $"level {p.Level}/{p.Levels} {p.Width}×{p.Height}  loss {p.Loss:F4} (content {p.ContentLoss:F3}, style {p.StyleLoss:F3})  {rate:F1} it/s";
                    task.Value = p.Iteration;
                });
                result = await Task.Run(() => stylizer.Run(request, progress, cancellationToken), cancellationToken);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            });
        return result!;
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would queue to the thread pool and lag behind).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
