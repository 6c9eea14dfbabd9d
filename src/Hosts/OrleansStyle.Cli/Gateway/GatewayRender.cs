using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using Spectre.Console;
using NeuralColor = OrleansStyle.Neural.Style.Optimization.ColorMode;
using V1Color = OrleansStyle.Gateway.V1.ColorMode;
using V1Format = OrleansStyle.Gateway.V1.OutputFormat;
using V1Region = OrleansStyle.Gateway.V1.Region;
using V1Style = OrleansStyle.Gateway.V1.StyleWeight;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// <c>render --gateway URL</c>: the same render request, sent to a running gateway. Images travel as they are on
/// disk (the gateway decodes them safely), in chunks of 1 MiB; the result is written as it streams back.
/// </summary>
internal static class GatewayRender
{
    private const int ChunkBytes = 1 << 20;

    public static async Task<int> RunAsync(GatewayRenderArgs args, CancellationToken cancellationToken)
    {
        var header = BuildHeader(args, out var uploads);
        var format = ImageWriter.FormatForPath(args.Output);
        header.OutputFormat = format switch
        {
            Imaging.OutputFormat.Jpeg => V1Format.Jpeg,
            Imaging.OutputFormat.WebpLossless => V1Format.WebpLossless,
            Imaging.OutputFormat.WebpLossy => V1Format.WebpLossy,
            _ => V1Format.Png,
        };
        header.UploadBytes = uploads.Sum(u => new FileInfo(u.Path).Length);
        var outputPath = Path.GetFullPath(args.Output);
        var directory = Path.GetDirectoryName(outputPath)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output folder {directory} does not exist.");
        }

        using var channel = GatewayChannels.Open(args.Gateway);
        var client = new Render.RenderClient(channel);
        var clock = Stopwatch.StartNew();
        var partial = outputPath + ".partial";
        RenderSummary? summary = null;
        try
        {
            await AnsiConsole.Status().StartAsync($"Uploading to {Markup.Escape(args.Gateway)}…", async status =>
            {
                using var call = client.Render(GatewayChannels.Headers(args.ApiKey), cancellationToken: cancellationToken);
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

                await using var file = File.Create(partial);
                await foreach (var item in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    switch (item.EventCase)
                    {
                        case RenderEvent.EventOneofCase.Accepted:
                            status.Status($"Job {Markup.Escape(item.Accepted.JobId)}: {item.Accepted.TilesTotal} tiles…");
                            break;
                        case RenderEvent.EventOneofCase.Progress:
                            status.Status($"{item.Progress.TilesDone}/{item.Progress.TilesTotal} tiles{(item.Progress.Eta is { } eta ? $", about {eta.ToTimeSpan().TotalSeconds:F0} s left" : "")}…");
                            break;
                        case RenderEvent.EventOneofCase.Result:
                            item.Result.Data.WriteTo(file);
                            break;
                        case RenderEvent.EventOneofCase.Summary:
                            summary = item.Summary;
                            break;
                    }
                }
            });
        }
        catch
        {
            File.Delete(partial); // never leave half a picture behind
            throw;
        }

        if (summary is null)
        {
            File.Delete(partial);
            throw new InvalidDataException("The gateway ended the render without a summary; the result is incomplete.");
        }

        File.Move(partial, outputPath, overwrite: true);
        AnsiConsole.MarkupLine(
            $"Wrote [green]{Markup.Escape(args.Output)}[/] ({summary.Job.Width}×{summary.Job.Height}, {summary.Job.TilesTotal} tiles, job {Markup.Escape(summary.Job.JobId)}) in {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
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
            JobId = args.JobId ?? "",
            Method = method,
            MaxSide = args.Size,
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
            header.Alpha = args.Alpha;
        }
        else
        {
            header.RefineIterations = args.Iterations;
        }

        uploads = [new Upload(RequireFile(args.Content), ImagePart.Content, "")];
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

            var path = Path.GetFullPath(RequireFile(nameOrPath));
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
            var maskPath = Path.GetFullPath(RequireFile(invert ? maskSpec[1..] : maskSpec));
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
        await using var file = File.OpenRead(upload.Path);
        var buffer = new byte[ChunkBytes];
        int read;
        var any = false;
        while ((read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0 || !any)
        {
            any = true;
            await requests.WriteAsync(
                new RenderRequest { Chunk = new ImageChunk { Part = upload.Part, Name = upload.Name, Data = ByteString.CopyFrom(buffer, 0, read) } },
                cancellationToken);
            if (read == 0)
            {
                break;
            }
        }
    }

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"No such file: {path}", path);

    private sealed record Upload(string Path, ImagePart Part, string Name);
}
