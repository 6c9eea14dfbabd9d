using System.CommandLine;
using System.Diagnostics;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;
using OrleansStyle.Neural.Style.Optimization;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// <c>orleans-style video</c>: a clip stylised frame by frame in this process with a feed-forward model, normalised
/// with statistics frozen from a few keyframes so colours and contrast do not pump between frames. ffmpeg decodes
/// and encodes in its own processes, so decoding, inference and encoding overlap through the pipes.
/// </summary>
internal static class VideoCommand
{
    /// <summary>Keyframes the frozen statistics are taken from, spread evenly over the clip (as a 2×2 sheet).</summary>
    private const int Keyframes = 4;

    public static Command Create()
    {
        var input = new Argument<string>("clip") { Description = "The clip to stylise (MP4, MKV, WebM, MOV; H.264, H.265, VP9, AV1, … whatever Debian's ffmpeg decodes)." };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Result: .mp4 (H.264, yuv420p), .webm (VP9) or a folder path (PNG frames, no audio). The source's audio is copied.",
            Required = true,
        };
        var model = new Option<string>("--model") { Description = "A feed-forward model file: models/multi4.safetensors, or an AdaIN model with --method adain.", Required = true };
        var styles = new Option<string[]>("--style", "-s") { Description = "A style of the model with an optional weight (starry_night=0.7), or for AdaIN a painting's path." };
        var method = new Option<string?>("--method", "-m") { Description = "model (a trained multi/single-style model, the default) or adain." };
        method.AcceptOnlyFromAmong("model", "adain");
        var alpha = new Option<float?>("--alpha") { Description = "AdaIN only: content/style trade-off, 0 = content, 1 = full style (default)." };
        var size = new Option<int>("--size") { Description = "Cap on the frames' long side in pixels (never enlarged); 0 (default) keeps the clip's size." };
        var color = new Option<ColorMode>("--color") { Description = "Style, LuminanceOnly, MatchContentColors or PreserveContentColors.", DefaultValueFactory = _ => ColorMode.Style };
        var start = new Option<double?>("--start") { Description = "Start this many seconds into the clip." };
        var duration = new Option<double?>("--duration") { Description = "Stylise this many seconds (from --start)." };
        var statistics = new Option<string>("--statistics")
        {
            Description = "clip (default): normalise every frame with statistics frozen from keyframes, so colours do not pump; frame: each frame's own (the per-frame baseline).",
            DefaultValueFactory = _ => "clip",
        };
        statistics.AcceptOnlyFromAmong("clip", "frame");
        var temporal = new Option<string>("--temporal")
        {
            Description = "blend (default): blend the previous result, warped along the content's optical flow, into each frame where the flow is trusted (less flicker); off: frames independent.",
            DefaultValueFactory = _ => "blend",
        };
        temporal.AcceptOnlyFromAmong("blend", "off");
        var command = new Command("video", """
            Stylise a video clip frame by frame with a feed-forward model, in this process. Frame count, frame rate,
            timestamps and audio are kept. Examples:
              orleans-style video clip.mp4 -o painted.mp4 --model models/multi4.safetensors --style starry_night
              orleans-style video clip.mkv -o painted.webm --model models/adain.safetensors --method adain --style painting.jpg --alpha 0.8
              orleans-style video clip.mp4 -o frames/ --model models/multi4.safetensors --style mondrian --start 10 --duration 5 --size 640
            """)
        {
            input, output, model, styles, method, alpha, size, color, start, duration, statistics, temporal,
        };

        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            // Everything the user can get wrong is checked before a frame is decoded.
            var modelPath = parse.GetValue(model)!;
            var renderer = new FeedForwardRender(modelPath);
            var isAdaIn = renderer.Info.Kind == Neural.FeedForward.StyleModelKind.AdaIn;
            if (isAdaIn != ((parse.GetValue(method) ?? "model") == "adain"))
            {
                throw new ArgumentException($"{modelPath} is a {renderer.Info.Kind} model; use --method {(isAdaIn ? "adain" : "model")} with it.");
            }

            if (parse.GetValue(alpha) is not null && !isAdaIn)
            {
                throw new ArgumentException($"--alpha applies to AdaIN models only; {Path.GetFileName(modelPath)} is a {renderer.Info.Kind} model.");
            }

            if (parse.GetValue(size) is var cap and (< 0 or (> 0 and < 16) or > 8192))
            {
                throw new ArgumentException($"--size {cap} is out of range: use 16–8192 pixels, or 0 to keep the clip's size.");
            }

            var outputPath = parse.GetValue(output)!;
            var format = VideoOutputFormats.FromPath(outputPath);
            var clipPath = parse.GetValue(input)!;
            var info = await VideoProbe.ProbeAsync(clipPath, cancellationToken: cancellationToken);
            var segment = Segment(parse.GetValue(start), parse.GetValue(duration), info);
            var (width, height) = FrameSize(info, parse.GetValue(size), format);
            var options = new FeedForwardRequestOptions(parse.GetValue(alpha) ?? 1f, parse.GetValue(color), LuminanceSpace.Lab);
            using var session = renderer.Open(options, parse.GetValue(styles) ?? []);

            var length = segment.LengthIn(info);
            var expected = Math.Max(1, (long)Math.Round(length.TotalSeconds * info.FrameRate.PerSecond));
            if (parse.GetValue(statistics) == "clip")
            {
                session.Freeze(await KeyframeSheet(clipPath, segment, length, width, height, cancellationToken));
            }

            // Temporal blending runs in display order after stylisation (docs/video.md, "Temporal consistency").
            var blender = parse.GetValue(temporal) == "blend" ? new TemporalBlender() : null;
            var clock = Stopwatch.StartNew();
            long frames = 0;
            await using (var writer = VideoFrameWriter.Create(outputPath, width, height, clipPath, info, segment))
            {
                await using var reader = VideoFrameReader.Open(clipPath, width, height, segment);
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask(Describe(0, expected, clock.Elapsed), maxValue: expected);
                        while (await reader.ReadAsync(cancellationToken) is { } frame)
                        {
                            var painted = await Task.Run(() => blender is null ? session.Stylise(frame) : blender.Blend(frame, session.Stylise(frame)), cancellationToken);
                            await writer.WriteAsync(painted, cancellationToken);
                            frames++;
                            task.MaxValue = Math.Max(expected, frames); // the container's count can be an estimate
                            task.Value = frames;
                            task.Description = Describe(frames, (long)task.MaxValue, clock.Elapsed);
                        }

                        task.Value = task.MaxValue = frames;
                    });
                await writer.CompleteAsync(cancellationToken);
            }

            AnsiConsole.MarkupLine(
                $"Wrote [green]{Markup.Escape(outputPath)}[/]: {frames} frames of {width}×{height} at {info.FrameRate.PerSecond:0.###} fps" +
                $"{(info.HasAudio && format != VideoOutputFormat.PngFrames ? " with the source's audio" : "")} in {clock.Elapsed.TotalSeconds:F1} s ({frames / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F1} frames/s).");
            return 0;
        }));

        return command;
    }

    private static string Describe(long done, long total, TimeSpan elapsed)
    {
        var rate = done / Math.Max(elapsed.TotalSeconds, 1e-3);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : (TimeSpan?)null;
        return $"frames {done}/{total}  {rate:F1} frames/s  ETA {(eta is { } e ? e.ToString(@"hh\:mm\:ss") : "--:--:--")}";
    }

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

    /// <summary>
    /// Up to four frames spread over the segment, side by side in a 2×2 sheet: instance-norm statistics of the sheet
    /// are those of the keyframes pooled, one set for the whole clip.
    /// </summary>
    private static async Task<PlanarImage> KeyframeSheet(string clip, VideoSegment segment, TimeSpan length, int width, int height, CancellationToken cancellationToken)
    {
        var sheet = new PlanarImage(width * 2, height * 2, 3);
        var origin = segment.Start ?? TimeSpan.Zero;
        for (var k = 0; k < Keyframes; k++)
        {
            var time = origin + (length * ((k + 0.5) / Keyframes));
            var frame = await VideoFrameReader.ReadFrameAtAsync(clip, time, width, height, cancellationToken);
            var (left, top) = (k % 2 * width, k / 2 * height);
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    frame.Row(c, y).CopyTo(sheet.Row(c, top + y).Slice(left, width));
                }
            }
        }

        return sheet;
    }
}
