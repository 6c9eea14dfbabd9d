using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Video;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;
using OrleansStyle.Neural.Style.Optimization;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// <c>orleans-style video</c>: a clip stylised frame by frame on the farm (the embedded one by default) with a
/// feed-forward model, normalised with statistics frozen from a few keyframes so colours and contrast do not pump
/// between frames. ffmpeg decodes and encodes in its own processes, so decoding, rendering and encoding overlap.
/// </summary>
internal static class VideoCommand
{
    public static Command Create()
    {
        var input = new Argument<string?>("clip")
        {
            Description = "The clip to stylise (MP4, MKV, WebM, MOV; H.264, H.265, VP9, AV1, … whatever Debian's ffmpeg decodes).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Result: .mp4 (H.264, yuv420p), .webm (VP9) or a folder path (PNG frames, no audio). The source's audio is copied.",
            Required = true,
        };
        var model = new Option<string?>("--model") { Description = "A feed-forward model file: models/multi4.safetensors, or an AdaIN model with --method adain; with --gateway a model name of its registry. Not with --method optimize." };
        var styles = new Option<string[]>("--style", "-s") { Description = "A style of the model with an optional weight (starry_night=0.7), or for AdaIN and optimize a painting's path." };
        var regions = new Option<string[]>("--region")
        {
            Description = "A static mask and its styles, as render's: MASK:STYLE[=W][+STYLE[=W]]; '!MASK' inverts. The mask (any size with the clip's aspect ratio) applies to every frame. E.g. --region fg.png:starry_night --region !fg.png:the_scream. Models and AdaIN only.",
        };
        var method = new Option<string?>("--method", "-m") { Description = "model (a trained multi/single-style model, the default), adain, or optimize (Gatys optimisation of every frame with the paintings of --style)." };
        method.AcceptOnlyFromAmong("model", "adain", "optimize");
        var iterations = new Option<int?>("--iterations") { Description = $"--method optimize: iterations per frame (default {VideoJobSpec.DefaultOptimizationIterations})." };
        var temporalWeight = new Option<float?>("--temporal-weight") { Description = $"--method optimize --temporal ruder: weight of the temporal loss (default {TemporalPrior.DefaultWeight})." };
        var alpha = new Option<float?>("--alpha") { Description = "AdaIN only: content/style trade-off, 0 = content, 1 = full style (default)." };
        var size = new Option<int>("--size") { Description = "Cap on the frames' long side in pixels (never enlarged); 0 (default) keeps the clip's size." };
        var color = new Option<ColorMode>("--color") { Description = "Style, LuminanceOnly, MatchContentColors or PreserveContentColors.", DefaultValueFactory = _ => ColorMode.Style };
        var start = new Option<double?>("--start") { Description = "Start this many seconds into the clip." };
        var duration = new Option<double?>("--duration") { Description = "Stylise this many seconds (from --start)." };
        var jobId = new Option<string?>("--job-id")
        {
            Description = "Name the job (letters, digits, '-', '_', '.'): a run killed part-way and started again with the same id and arguments renders only the frames it had not finished.",
        };
        var gateway = new Option<string?>("--gateway") { Description = "Render on a running gateway (orleans-style serve), e.g. http://localhost:5080; --model then names a model of its registry." };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key for --gateway (default: ${Gateway.GatewayChannels.ApiKeyVariable})." };
        var detach = new Option<bool>("--detach") { Description = "--gateway: keep the job running if this command stops early; follow it again with --attach." };
        var attach = new Option<string?>("--attach") { Description = "--gateway: follow the detached video job with this id and write its result (no clip argument)." };
        var statistics = new Option<string?>("--statistics")
        {
            Description = "Models: clip (default): normalise every frame with statistics frozen from keyframes, so colours do not pump; frame: each frame's own (the per-frame baseline).",
        };
        statistics.AcceptOnlyFromAmong("clip", "frame");
        var temporal = new Option<string?>("--temporal")
        {
            Description = "Models: blend (default): blend the previous result, warped along the content's optical flow, into each frame where the flow is trusted (less flicker). " +
                "--method optimize: ruder (default): start each frame from the previous result warped along the flow and add the occlusion-masked temporal loss (Ruder et al. 2016; frames render one after another); warm: the warm start only. " +
                "off: frames independent.",
        };
        temporal.AcceptOnlyFromAmong("blend", "warm", "ruder", "off");
        var command = new Command("video", """
            Stylise a video clip frame by frame with a feed-forward model on the farm (by default one embedded in this
            process, with this machine's devices). Frame count, frame rate, timestamps and audio are kept; finished
            frames are kept on disk until the result is written, so --job-id resumes a killed run. Examples:
              orleans-style video clip.mp4 -o painted.mp4 --model models/multi4.safetensors --style starry_night
              orleans-style video clip.mkv -o painted.webm --model models/adain.safetensors --method adain --style painting.jpg --alpha 0.8
              orleans-style video clip.mp4 -o frames/ --model models/multi4.safetensors --style mondrian --start 10 --duration 5 --size 640
            """)
        {
            input, output, model, styles, regions, method, alpha, size, color, start, duration, statistics, temporal, iterations, temporalWeight, jobId, gateway, apiKey, detach, attach,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            var optimize = parse.GetValue(method) == "optimize";
            var temporalMode = parse.GetValue(temporal) ?? (optimize ? "ruder" : "blend");
            CheckMethodOptions(optimize, temporalMode, parse.GetValue(iterations), parse.GetValue(temporalWeight));
            if (optimize)
            {
                foreach (var (present, name) in new[] { (parse.GetValue(model) is not null, "--model"), (parse.GetValue(alpha) is not null, "--alpha"), (parse.GetValue(statistics) is not null, "--statistics"), ((parse.GetValue(regions) ?? []).Length > 0, "--region") })
                {
                    if (present)
                    {
                        throw new ArgumentException($"{name} does not apply to --method optimize, which optimises every frame towards the paintings of --style.");
                    }
                }
            }

            if (parse.GetValue(gateway) is { } gatewayUrl)
            {
                return await Gateway.GatewayCallErrors.Guard(() => Gateway.GatewayVideo.RunAsync(
                    new Gateway.GatewayVideoArgs(
                        gatewayUrl, parse.GetValue(apiKey), parse.GetValue(input), parse.GetValue(output)!, parse.GetValue(model) ?? "", parse.GetValue(styles) ?? [], parse.GetValue(regions) ?? [], parse.GetValue(method) ?? "model",
                        parse.GetValue(alpha), parse.GetValue(size), parse.GetValue(color), parse.GetValue(start), parse.GetValue(duration),
                        parse.GetValue(statistics) == "frame", parse.GetValue(jobId), parse.GetValue(detach), parse.GetValue(attach),
                        temporalMode, parse.GetValue(iterations), parse.GetValue(temporalWeight)),
                    cancellationToken));
            }

            if (parse.GetValue(detach) || parse.GetValue(attach) is not null)
            {
                throw new ArgumentException("--detach and --attach follow jobs on a gateway: add --gateway URL.");
            }

            // Everything the user can get wrong is checked before a frame is decoded.
            FeedForwardRender? renderer = null;
            string? modelPath = null;
            if (!optimize)
            {
                modelPath = parse.GetValue(model) ?? throw new ArgumentException("Give the model: --model models/multi4.safetensors (or an AdaIN model with --method adain, or --method optimize with paintings).");
                renderer = new FeedForwardRender(modelPath);
                var isAdaIn = renderer.Info.Kind == Neural.FeedForward.StyleModelKind.AdaIn;
                if (isAdaIn != ((parse.GetValue(method) ?? "model") == "adain"))
                {
                    throw new ArgumentException($"{modelPath} is a {renderer.Info.Kind} model; use --method {(isAdaIn ? "adain" : "model")} with it.");
                }

                if (parse.GetValue(alpha) is not null && !isAdaIn)
                {
                    throw new ArgumentException($"--alpha applies to AdaIN models only; {Path.GetFileName(modelPath)} is a {renderer.Info.Kind} model.");
                }
            }

            if (parse.GetValue(size) is var cap and (< 0 or (> 0 and < 16) or > 8192))
            {
                throw new ArgumentException($"--size {cap} is out of range: use 16–8192 pixels, or 0 to keep the clip's size.");
            }

            var jobIdText = parse.GetValue(jobId) is { Length: > 0 } given
                ? JobIds.IsValid(given) && given is not ("." or "..") ? given : throw new ArgumentException($"--job-id '{given}': {JobIds.Rule}.")
                : JobIds.New();
            var outputPath = parse.GetValue(output)!;
            var format = VideoOutputFormats.FromPath(outputPath);
            var clipPath = parse.GetValue(input) ?? throw new ArgumentException("Give the clip to stylise.");
            var info = await VideoProbe.ProbeAsync(clipPath, cancellationToken: cancellationToken);
            var segment = Segment(parse.GetValue(start), parse.GetValue(duration), info);
            var (width, height) = FrameSize(info, parse.GetValue(size), format);
            var jobRegions = renderer is not null
                ? renderer.FarmRegions(parse.GetValue(styles) ?? [], parse.GetValue(regions) ?? [], width, height)
                : [RegionSpec.Everywhere([.. Paintings(parse.GetValue(styles) ?? [], Math.Max(width, height))])];
            var request = new FarmVideoRequest(
                jobIdText, clipPath, info, segment, width, height, modelPath is null ? "optimize" : Path.GetFileNameWithoutExtension(modelPath), jobRegions)
            {
                Options = new RenderOptions
                {
                    Method = optimize ? RenderMethod.Optimize : RenderMethod.FeedForward,
                    Alpha = parse.GetValue(alpha) ?? 1f,
                    Color = ToFarm(parse.GetValue(color)),
                    CoarseIterations = parse.GetValue(iterations) ?? 0,
                    Temporal = temporalMode switch { "ruder" => VideoTemporalMode.WarmStartAndLoss, "warm" => VideoTemporalMode.WarmStart, _ => VideoTemporalMode.Independent },
                    TemporalWeight = parse.GetValue(temporalWeight) ?? 0,
                },
                FreezeStatistics = !optimize && (parse.GetValue(statistics) ?? "clip") == "clip",
                Temporal = temporalMode == "blend" ? TemporalBlendOptions.Default : null,
            };

            // The embedded default: a silo with this machine's devices in this process, serving the model's folder,
            // with OrleansStyle__* environment settings as a standalone silo reads them (devices, spool folder).
            var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var models = Path.GetFullPath(modelPath is not null && Path.GetDirectoryName(modelPath) is { Length: > 0 } folder ? folder : ".");
            await using var farm = await EmbeddedFarm.StartAsync(
                devices: d => settings.GetSection(DeviceOptions.Section).Bind(d),
                models: m => m.Directory = models,
                video: v => settings.GetSection(VideoOptions.Section).Bind(v),
                spool: s => settings.GetSection(SpoolOptions.Section).Bind(s),
                logLevel: LogLevel.Error,
                cancellationToken: cancellationToken);
            var clock = Stopwatch.StartNew();
            VideoJobStatus status;
            try
            {
                status = await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Describe(0, request.ExpectedFrames, clock.Elapsed), maxValue: request.ExpectedFrames);
                        var progress = new Progress<VideoJobStatus>(s =>
                        {
                            task.MaxValue = Math.Max(s.FramesTotal, s.FramesDone); // the container's count can be an estimate
                            task.Value = s.FramesDone;
                            task.Description = Describe(s.FramesDone, (long)task.MaxValue, clock.Elapsed, s.FramesPerSecond);
                        });
                        AnsiConsole.MarkupLine($"Video job {Markup.Escape(jobIdText)}: {request.ExpectedFrames} frames of {width}×{height}");
                        var finished = await new FarmVideoClient(farm.Grains).RenderAsync(request, outputPath, progress, cancellationToken: cancellationToken);
                        task.Value = task.MaxValue = finished.FramesDone;
                        return finished;
                    });
            }
            catch (FarmVideoFailedException failed)
            {
                throw new InvalidOperationException($"The video job failed: {failed.Status.Error}", failed);
            }

            AnsiConsole.MarkupLine(
                $"Wrote [green]{Markup.Escape(outputPath)}[/]: {status.FramesDone} frames of {width}×{height} at {info.FrameRate.PerSecond:0.###} fps" +
                $"{(info.HasAudio && format != VideoOutputFormat.PngFrames ? " with the source's audio" : "")} in {clock.Elapsed.TotalSeconds:F1} s ({FrameRateText.Format(status.FramesRendered / Math.Max(clock.Elapsed.TotalSeconds, 1e-3))})" +
                $"; {status.FramesRendered} rendered, {status.FramesResumed} resumed from job {Markup.Escape(jobIdText)}.");
            return 0;
        }));

        return command;
    }

    /// <summary>Options that belong to one method only, refused before anything is read.</summary>
    private static void CheckMethodOptions(bool optimize, string temporal, int? iterations, float? temporalWeight)
    {
        if (optimize && temporal == "blend")
        {
            throw new ArgumentException("--temporal blend is for models; with --method optimize use ruder (warm start and temporal loss), warm or off.");
        }

        if (!optimize && temporal is "warm" or "ruder")
        {
            throw new ArgumentException($"--temporal {temporal} ties optimised frames together: add --method optimize, or use blend or off with a model.");
        }

        if (!optimize && (iterations is not null || temporalWeight is not null))
        {
            throw new ArgumentException("--iterations and --temporal-weight apply to --method optimize only.");
        }

        if (iterations is < 1 or > 10_000)
        {
            throw new ArgumentException($"--iterations {iterations} is out of range: use 1–10000.");
        }

        if (temporalWeight is { } weight && (temporal != "ruder" || !float.IsFinite(weight) || weight <= 0))
        {
            throw new ArgumentException($"--temporal-weight {weight} needs --temporal ruder and a positive number.");
        }
    }

    /// <summary>Optimisation's paintings, no larger than the frames: the style is used at the frame's size, and it rides with every frame.</summary>
    private static IReadOnlyList<StyleWeight> Paintings(string[] styles, int longSide)
    {
        if (styles.Length == 0)
        {
            throw new ArgumentException("Give a painting: --style PATH[=W] (--method optimize takes any style image).");
        }

        return [.. styles.Select(spec =>
        {
            var (path, weight) = StyleSpecs.ParseWeighted(spec);
            return StyleWeight.FromImage(Path.GetFileNameWithoutExtension(path), Farm.Pixels.PixelBufferConversions.ToPixelBuffer(ImageFiles.ReadRgb(path).FitWithin(longSide)), weight);
        })];
    }

    private static string Describe(long done, long total, TimeSpan elapsed, double? framesPerSecond = null)
    {
        var rate = framesPerSecond ?? done / Math.Max(elapsed.TotalSeconds, 1e-3);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : (TimeSpan?)null;
        return $"frames {done}/{total}  {FrameRateText.Format(rate)}  ETA {(eta is { } e ? e.ToString(@"hh\:mm\:ss") : "--:--:--")}";
    }

    private static ColorControlMode ToFarm(ColorMode color) => color switch
    {
        ColorMode.LuminanceOnly => ColorControlMode.LuminanceOnly,
        ColorMode.PreserveContentColors => ColorControlMode.PreserveContentColors,
        ColorMode.MatchContentColors => throw new ArgumentException("--color MatchContentColors is not available for video: use Style, LuminanceOnly or PreserveContentColors."),
        _ => ColorControlMode.Style,
    };

    private static VideoSegment Segment(double? start, double? duration, VideoInfo info)
    {
        if (start is { } s && (!double.IsFinite(s) || s < 0 || s >= info.Duration.TotalSeconds))
        {
            throw new ArgumentException($"--start {s} is outside the clip, which lasts {info.Duration.TotalSeconds:0.###} s.");
        }

        if (duration is { } d && (!double.IsFinite(d) || d <= 0))
        {
            throw new ArgumentException($"--duration {d} must be a positive number of seconds.");
        }

        return new VideoSegment(start is { } a ? TimeSpan.FromSeconds(a) : null, duration is { } b ? TimeSpan.FromSeconds(b) : null);
    }

    /// <summary>The clip's size fitted to --size (never enlarged), with even sides where the encoder needs them.</summary>
    private static (int Width, int Height) FrameSize(VideoInfo info, int cap, VideoOutputFormat format)
    {
        var scale = cap > 0 ? Math.Min(1, (double)cap / Math.Max(info.Width, info.Height)) : 1;
        var width = Math.Max(2, (int)Math.Round(info.Width * scale));
        var height = Math.Max(2, (int)Math.Round(info.Height * scale));
        return format.NeedsEvenSize() ? (width & ~1, height & ~1) : (width, height);
    }
}
