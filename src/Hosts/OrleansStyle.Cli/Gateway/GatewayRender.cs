using System.Diagnostics;
using Grpc.Core;
using OrleansStyle.Cli.Commands;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.V1;
using Spectre.Console;
using NeuralColor = OrleansStyle.Neural.Style.Optimization.ColorMode;
using V1Color = OrleansStyle.Gateway.V1.ColorMode;
using V1Region = OrleansStyle.Gateway.V1.Region;
using V1Style = OrleansStyle.Gateway.V1.StyleWeight;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// <c>render --gateway URL</c>: the same render request, sent to a running gateway. Images travel as they are on
/// disk (the gateway decodes them safely), in chunks of 1 MiB; the result is written as it streams back.
/// </summary>
internal static class GatewayRender
{
    public static async Task<int> RunAsync(GatewayRenderArgs args, CancellationToken cancellationToken)
    {
        var header = BuildHeader(args, out var uploads);
        header.OutputFormat = ResultFile.FormatFor(args.Output);
        header.UploadBytes = uploads.Sum(u => new FileInfo(u.Path).Length);
        foreach (var upload in uploads)
        {
            ImageFiles.Inspect(upload.Path); // a local file that is not an image is named here, before anything is sent
        }

        using var channel = GatewayChannels.Open(args.Gateway);
        var headers = GatewayChannels.Headers(args.ApiKey);
        if (header.Method == RenderMethod.FeedForward)
        {
            var model = await new Models.ModelsClient(channel).DescribeModelAsync(new DescribeModelRequest { Name = header.Model }, headers, cancellationToken: cancellationToken);
            RequireMethodFits(args.Model!, model.Kind == "adain", args.Method);
        }

        var clock = Stopwatch.StartNew();
        string? jobId = null;
        RenderSummary summary;
        try
        {
            summary = await Follow(channel, headers, header, uploads, args, id => jobId = id, cancellationToken);
        }
        catch (Exception exception) when (args.Detach && jobId is not null && cancellationToken.IsCancellationRequested
                                          && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            // A detached job outlives its caller: say how to get its result rather than "cancelled".
            AnsiConsole.MarkupLine(
                $"Stopped following job [green]{Markup.Escape(jobId)}[/]; it runs on. Re-attach: orleans-style jobs attach {Markup.Escape(jobId)} -o {Markup.Escape(args.Output)} --gateway {Markup.Escape(args.Gateway)}");
            return CliErrors.Cancelled;
        }

        AnsiConsole.MarkupLine(
            $"Wrote [green]{Markup.Escape(args.Output)}[/] ({summary.Job.Width}×{summary.Job.Height}, {summary.Job.TilesTotal} tiles, job {Markup.Escape(summary.Job.JobId)}) in {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    /// <summary>
    /// Sends the render and follows it to its result. When the gateway answers UNAVAILABLE (the farm lost a silo)
    /// the CLI reconnects: to an accepted job by attaching to it by id, otherwise by sending the same request again
    /// under the same id, which the farm takes as the same job.
    /// </summary>
    private static Task<RenderSummary> Follow(
        ChannelBase channel, Metadata headers, RenderHeader header, List<Upload> uploads, GatewayRenderArgs args, Action<string> accepted, CancellationToken cancellationToken) =>
        AnsiConsole.Status().StartAsync($"Uploading to {Markup.Escape(args.DisplayName ?? args.Gateway)}…", async status =>
        {
            var reconnect = new GatewayReconnect(header.JobId);
            var isAccepted = false;
            void OnEvent(RenderEvent item)
            {
                reconnect.Progressed();
                if (item.EventCase == RenderEvent.EventOneofCase.Accepted)
                {
                    isAccepted = true;
                    accepted(item.Accepted.JobId);
                    status.Status($"Job {Markup.Escape(item.Accepted.JobId)}: {item.Accepted.TilesTotal} tiles…");
                }
                else if (item.EventCase == RenderEvent.EventOneofCase.Progress)
                {
                    status.Status($"{item.Progress.TilesDone}/{item.Progress.TilesTotal} tiles{(item.Progress.Eta is { } eta ? $", about {eta.ToTimeSpan().TotalSeconds:F0} s left" : "")}…");
                }
            }

            return await reconnect.RunAsync(
                async _ => isAccepted
                    ? await AttachAsync(channel, headers, header, args.Output, OnEvent, cancellationToken)
                    : await SendAsync(channel, headers, header, uploads, args.Output, OnEvent, cancellationToken),
                cancellationToken);
        });

    private static async Task<RenderSummary> SendAsync(
        ChannelBase channel, Metadata headers, RenderHeader header, List<Upload> uploads, string output, Action<RenderEvent> onEvent, CancellationToken cancellationToken)
    {
        using var call = new Render.RenderClient(channel).Render(headers, cancellationToken: cancellationToken);
        try
        {
            await call.RequestStream.WriteAsync(new RenderRequest { Header = header }, cancellationToken);
            foreach (var upload in uploads)
            {
                await SendFileAsync(call.RequestStream, upload, cancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The gateway refused the upload part-way; its reason arrives as the response's status below.
        }

        return await ResultFile.WriteAsync(call.ResponseStream, output, onEvent, cancellationToken);
    }

    private static async Task<RenderSummary> AttachAsync(
        ChannelBase channel, Metadata headers, RenderHeader header, string output, Action<RenderEvent> onEvent, CancellationToken cancellationToken)
    {
        using var attached = new Jobs.JobsClient(channel).AttachJob(
            new AttachJobRequest { JobId = header.JobId, OutputFormat = header.OutputFormat }, headers, cancellationToken: cancellationToken);
        return await ResultFile.WriteAsync(attached.ResponseStream, output, onEvent, cancellationToken);
    }

    /// <summary>AdaIN models take style images (--method adain), the others trained style names (--method model).</summary>
    public static void RequireMethodFits(string model, bool isAdaIn, string method)
    {
        if (isAdaIn != (method == "adain"))
        {
            throw new ArgumentException($"{model} is {(isAdaIn ? "an AdaIN" : "a single- or multi-style")} model; use --method {(isAdaIn ? "adain" : "model")} with it.");
        }
    }

    private static RenderHeader BuildHeader(GatewayRenderArgs args, out List<Upload> uploads)
    {
        var method = args.Method switch
        {
            "optimize" => RenderMethod.Optimize,
            _ => RenderMethod.FeedForward,
        };
        var imageStyles = args.Method is "optimize" or "adain";
        var header = new RenderHeader
        {
            // Chosen here when not given, so that a render sent again after the farm lost a silo is the same job.
            JobId = args.JobId ?? $"job-{Guid.NewGuid():N}",
            Method = method,
            MaxSide = args.Geometry.MaxSide,
            TileSize = args.Geometry.TileSize,
            Overlap = args.Geometry.Overlap,
            Color = args.Color switch
            {
                NeuralColor.LuminanceOnly => V1Color.LuminanceOnly,
                NeuralColor.MatchContentColors => V1Color.MatchContentColors,
                NeuralColor.PreserveContentColors => V1Color.PreserveContentColors,
                _ => V1Color.Style,
            },
            DetachOnDisconnect = args.Detach,
        };
        if (method == RenderMethod.FeedForward)
        {
            // The gateway knows models by registry name: a path names the model by its file name.
            header.Model = args.Model is { } model
                ? Path.GetFileNameWithoutExtension(model)
                : throw new ArgumentException($"--method {args.Method} needs --model NAME (a model of the gateway's registry).");
            if (args.Alpha is { } alpha)
            {
                header.Alpha = alpha; // only when asked: the gateway refuses alpha for models other than AdaIN
            }
            header.KeepDecoderColors = args.KeepDecoderColors;
            header.StrokeScale = args.StrokeScale;
        }
        else
        {
            // Small pictures are finished by the coarse pass, large ones refined per tile: -n sets both.
            header.CoarseIterations = header.RefineIterations = args.Iterations;
            header.Seed = args.Seed;
        }

        uploads = [new Upload(ChunkedUpload.RequireFile(args.Content), ImagePart.Content, "")];
        var styleNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var maskNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var uploadList = uploads;

        V1Style Style(string spec)
        {
            var (nameOrPath, weight) = StyleSpecs.ParseWeighted(spec);
            if (!imageStyles)
            {
                return new V1Style { Name = Path.GetFileNameWithoutExtension(nameOrPath), Weight = weight };
            }

            if (!File.Exists(nameOrPath) && ModelNames.IsValid(nameOrPath))
            {
                return new V1Style { Name = nameOrPath, Weight = weight }; // a style of the gateway's library
            }

            var path = Path.GetFullPath(ChunkedUpload.RequireFile(nameOrPath));
            if (!styleNames.TryGetValue(path, out var name))
            {
                name = styleNames[path] = $"style{styleNames.Count}-{Path.GetFileNameWithoutExtension(path)}";
                uploadList.Add(new Upload(path, ImagePart.Style, name));
            }

            return new V1Style { Name = name, Weight = weight };
        }

        if (args.Styles.Count > 0)
        {
            var region = new V1Region();
            region.Styles.AddRange(args.Styles.Select(Style));
            header.Regions.Add(region);
        }

        foreach (var spec in args.Regions)
        {
            if (spec.LastIndexOf('@') > 0)
            {
                throw new ArgumentException($"--region '{spec}': a colour mode per region is not available through a gateway yet; use --color.");
            }

            var separator = spec.IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0 || separator == spec.Length - 1)
            {
                throw new ArgumentException($"--region '{spec}' must look like MASK:STYLE[=W][+STYLE[=W]].");
            }

            var maskSpec = spec[..separator];
            var invert = maskSpec.StartsWith('!');
            var maskPath = Path.GetFullPath(ChunkedUpload.RequireFile(invert ? maskSpec[1..] : maskSpec));
            if (!maskNames.TryGetValue(maskPath, out var maskName))
            {
                maskName = maskNames[maskPath] = $"mask{maskNames.Count}-{Path.GetFileNameWithoutExtension(maskPath)}";
                uploads.Add(new Upload(maskPath, ImagePart.Mask, maskName));
            }

            var region = new V1Region { Mask = maskName, InvertMask = invert };
            region.Styles.AddRange(spec[(separator + 1)..].Split('+', StringSplitOptions.RemoveEmptyEntries).Select(Style));
            header.Regions.Add(region);
        }

        if (header.Regions.Count == 0)
        {
            throw new ArgumentException("Give a style: --style NAME[=W] for a trained model, --style PATH for adain or optimize, or --region MASK:STYLE.");
        }

        return header;
    }

    private static async Task SendFileAsync(IClientStreamWriter<RenderRequest> requests, Upload upload, CancellationToken cancellationToken)
    {
        await foreach (var data in ChunkedUpload.ReadAsync(upload.Path, cancellationToken))
        {
            await requests.WriteAsync(new RenderRequest { Chunk = new ImageChunk { Part = upload.Part, Name = upload.Name, Data = data } }, cancellationToken);
        }
    }


    private sealed record Upload(string Path, ImagePart Part, string Name);
}
