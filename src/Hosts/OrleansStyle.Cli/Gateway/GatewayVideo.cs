using System.Diagnostics;
using Grpc.Core;
using OrleansStyle.Cli.Commands;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.V1;
using Spectre.Console;
using NeuralColor = OrleansStyle.Neural.Style.Optimization.ColorMode;
using V1Color = OrleansStyle.Gateway.V1.ColorMode;
using V1Style = OrleansStyle.Gateway.V1.StyleWeight;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// <c>video --gateway URL</c>: the clip travels as it is on disk in 1 MiB chunks (the gateway probes it before any
/// frame is rendered), progress is shown as the frames finish, and the encoded result is written beside the output
/// and moved into place once complete. <c>--attach ID</c> follows a detached job instead of starting one.
/// </summary>
internal static class GatewayVideo
{
    public static async Task<int> RunAsync(GatewayVideoArgs args, CancellationToken cancellationToken)
    {
        var format = Path.GetExtension(args.Output).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" => VideoFormat.Mp4,
            ".webm" => VideoFormat.Webm,
            _ => throw new ArgumentException($"{args.Output}: through a gateway a video comes back as .mp4 (H.264) or .webm (VP9); PNG frames are written only in this process."),
        };
        using var channel = GatewayChannels.Open(args.Gateway);
        var headers = GatewayChannels.Headers(args.ApiKey);
        var client = new OrleansStyle.Gateway.V1.Video.VideoClient(channel);
        var clock = Stopwatch.StartNew();
        string? jobId = args.Attach;
        VideoSummary summary;
        try
        {
            if (args.Attach is { } attach)
            {
                using var call = client.Attach(new AttachVideoRequest { JobId = attach }, headers, cancellationToken: cancellationToken);
                summary = await Follow(call.ResponseStream, args.Output, _ => { }, cancellationToken);
            }
            else
            {
                var clip = ChunkedUpload.RequireFile(args.Clip ?? throw new ArgumentException("Give the clip to stylise, or --attach JOB_ID to follow a detached job."));
                var (header, parts) = Header(args, format);
                header.UploadBytes = new FileInfo(clip).Length + parts.Sum(s => new FileInfo(s.Path).Length);
                using var call = client.Render(headers, cancellationToken: cancellationToken);
                try
                {
                    await call.RequestStream.WriteAsync(new VideoRequest { Header = header }, cancellationToken);
                    foreach (var (path, part, name) in parts.Prepend((clip, VideoPart.Clip, "")))
                    {
                        await foreach (var data in ChunkedUpload.ReadAsync(path, cancellationToken))
                        {
                            await call.RequestStream.WriteAsync(new VideoRequest { Chunk = new VideoChunk { Part = part, Name = name, Data = data } }, cancellationToken);
                        }
                    }

                    await call.RequestStream.CompleteAsync();
                }
                catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    // Refused part-way: the reason arrives as the call's status below.
                }

                summary = await Follow(call.ResponseStream, args.Output, id => jobId = id, cancellationToken);
            }
        }
        catch (Exception exception) when (args.Detach && jobId is not null && cancellationToken.IsCancellationRequested
                                          && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            AnsiConsole.MarkupLine(
                $"Stopped following video job [green]{Markup.Escape(jobId)}[/]; it runs on. Re-attach: orleans-style video --attach {Markup.Escape(jobId)} -o {Markup.Escape(args.Output)} --gateway {Markup.Escape(args.Gateway)}");
            return CliErrors.Cancelled;
        }

        var job = summary.Job;
        AnsiConsole.MarkupLine(
            $"Wrote [green]{Markup.Escape(args.Output)}[/]: {job.FramesDone} frames of {job.Width}×{job.Height} at {job.FrameRate} fps{(job.HasAudio ? " with the source's audio" : "")} in {clock.Elapsed.TotalSeconds:F1} s" +
            $"; {job.FramesDone - job.FramesResumed} rendered, {job.FramesResumed} resumed from job {Markup.Escape(job.JobId)}.");
        return 0;
    }

    /// <summary>The header, and the files that follow the clip as STYLE and MASK parts.</summary>
    private static (VideoHeader Header, List<(string Path, VideoPart Part, string Name)> Parts) Header(GatewayVideoArgs args, VideoFormat format)
    {
        var header = new VideoHeader
        {
            JobId = args.JobId ?? "",
            Model = args.Optimize ? "" : Path.GetFileNameWithoutExtension(args.Model), // the gateway knows models by registry name
            Method = args.Optimize ? RenderMethod.Optimize : RenderMethod.FeedForward,
            Iterations = args.Iterations ?? 0,
            Temporal = args.Temporal switch
            {
                "ruder" => VideoTemporal.Ruder,
                "warm" => VideoTemporal.Warm,
                "off" => VideoTemporal.Off,
                _ => VideoTemporal.Blend,
            },
            MaxSide = args.MaxSide,
            Color = args.Color switch
            {
                NeuralColor.LuminanceOnly => V1Color.LuminanceOnly,
                NeuralColor.MatchContentColors => V1Color.MatchContentColors,
                NeuralColor.PreserveContentColors => V1Color.PreserveContentColors,
                _ => V1Color.Style,
            },
            OutputFormat = format,
            DetachOnDisconnect = args.Detach,
            Statistics = args.Optimize ? VideoStatistics.Unspecified : args.FrameStatistics ? VideoStatistics.Frame : VideoStatistics.Clip,
        };
        if (args.TemporalWeight is { } temporalWeight)
        {
            header.TemporalWeight = temporalWeight;
        }

        if (args.Alpha is { } alpha)
        {
            header.Alpha = alpha;
        }

        if (args.Start is { } start)
        {
            header.StartSeconds = start;
        }

        if (args.Duration is { } duration)
        {
            header.DurationSeconds = duration;
        }

        if (args.Styles.Count == 0 && args.Regions.Count == 0)
        {
            throw new ArgumentException("Give a style: --style NAME[=W] of the model, or --style PATH (a painting, or a style of the gateway's library) with --method adain or optimize.");
        }

        if (args.Styles.Count > 0 && args.Regions.Count > 0)
        {
            throw new ArgumentException("--style applies to the whole frame; with --region give every region its mask (e.g. --region !fg.png:starry_night).");
        }

        var files = new List<(string Path, VideoPart Part, string Name)>();
        void AddStyle(OrleansStyle.Gateway.V1.Region region, string spec)
        {
            var (nameOrPath, weight) = StyleSpecs.ParseWeighted(spec);
            if (!args.TakesStyleImages || (!File.Exists(nameOrPath) && ModelNames.IsValid(nameOrPath)))
            {
                region.Styles.Add(new V1Style { Name = Path.GetFileNameWithoutExtension(nameOrPath), Weight = weight });
                return;
            }

            var name = $"style{files.Count}-{Path.GetFileNameWithoutExtension(nameOrPath)}";
            files.Add((Path.GetFullPath(ChunkedUpload.RequireFile(nameOrPath)), VideoPart.Style, name));
            region.Styles.Add(new V1Style { Name = name, Weight = weight });
        }

        if (args.Regions.Count == 0)
        {
            var everywhere = new OrleansStyle.Gateway.V1.Region();
            foreach (var spec in args.Styles)
            {
                AddStyle(everywhere, spec);
            }

            header.Regions.Add(everywhere);
            return (header, files);
        }

        foreach (var spec in args.Regions)
        {
            // MASK:STYLE[=W][+STYLE[=W]], '!MASK' inverts: the mask follows the clip as a MASK part (the header stays small
            // however large the mask), and the gateway fits it to the frames.
            var separator = spec.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0 || separator == spec.Length - 1 || spec.LastIndexOf('@') > separator)
            {
                throw new ArgumentException($"--region '{spec}' must look like MASK:STYLE[=W][+STYLE[=W]], e.g. fg.png:starry_night or !fg.png:the_scream=0.5+mondrian (no @COLOR for video: use --color).");
            }

            var maskPath = spec[0] == '!' ? spec[1..separator] : spec[..separator];
            var region = new OrleansStyle.Gateway.V1.Region { InvertMask = spec[0] == '!', Mask = $"mask{header.Regions.Count}" };
            files.Add((Path.GetFullPath(ChunkedUpload.RequireFile(maskPath)), VideoPart.Mask, region.Mask));
            foreach (var style in spec[(separator + 1)..].Split('+', StringSplitOptions.RemoveEmptyEntries))
            {
                AddStyle(region, style);
            }

            header.Regions.Add(region);
        }

        return (header, files);

    }

    /// <summary>Progress on the console, the result beside the output until the summary arrives; never half a clip left behind.</summary>
    private static async Task<VideoSummary> Follow(IAsyncStreamReader<VideoEvent> events, string output, Action<string> accepted, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output folder {directory} does not exist.");
        }

        var partial = Path.Combine(directory, $".{Path.GetFileName(output)}.partial-{Guid.NewGuid():N}");
        VideoSummary? summary = null;
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("uploading…", maxValue: 1);
                    await using var file = File.Create(partial);
                    await foreach (var item in events.ReadAllAsync(cancellationToken))
                    {
                        switch (item.EventCase)
                        {
                            case VideoEvent.EventOneofCase.Accepted:
                                accepted(item.Accepted.JobId);
                                AnsiConsole.MarkupLine($"Video job {Markup.Escape(item.Accepted.JobId)}: {item.Accepted.FramesTotal} frames of {item.Accepted.Width}×{item.Accepted.Height}");
                                task.MaxValue = Math.Max(1, item.Accepted.FramesTotal);
                                break;
                            case VideoEvent.EventOneofCase.Progress:
                                var p = item.Progress;
                                task.MaxValue = Math.Max(1, Math.Max(p.FramesTotal, p.FramesDone));
                                task.Value = p.FramesDone;
                                task.Description = $"frames {p.FramesDone}/{p.FramesTotal}  {FrameRateText.Format(p.FramesPerSecond)}  ETA {(p.Eta is { } eta ? eta.ToTimeSpan().ToString(@"hh\:mm\:ss") : "--:--:--")}";
                                break;
                            case VideoEvent.EventOneofCase.Result:
                                item.Result.Data.WriteTo(file);
                                break;
                            case VideoEvent.EventOneofCase.Summary:
                                summary = item.Summary;
                                task.Value = task.MaxValue;
                                break;
                        }
                    }
                });

            if (summary is null)
            {
                throw new InvalidDataException("The gateway ended without a summary; the result is incomplete.");
            }

            File.Move(partial, output, overwrite: true);
            return summary;
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
