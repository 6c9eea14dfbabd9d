using System.CommandLine;
using Grpc.Core;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Neural.Onnx;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// <c>models export MODEL --onnx</c>: a model as an ONNX file, from a model file here or, with --gateway, from the
/// gateway's registry (Models.ExportModel). Written beside the target and moved into place, so a failed export
/// leaves nothing behind.
/// </summary>
internal static class ModelExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model file (.safetensors), or with --gateway the name of a model in its registry." };
        var onnx = new Option<bool>("--onnx") { Description = "Export as ONNX (opset 13). The only format so far; required, so scripts say what they get." };
        var output = new Option<string?>("--output", "-o") { Description = "The file to write (default: the model's name with .onnx, in the current folder)." };
        var gateway = new Option<string?>("--gateway") { Description = "Export a model of a running gateway's registry, e.g. http://localhost:5080." };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key for --gateway (default: ${GatewayChannels.ApiKeyVariable})." };
        var command = new Command("export", """
            Write a model as an ONNX file that any ONNX runtime can run. Single and multi-style models take image
            [N,3,H,W] (RGB in 0–1, H and W multiples of 4) and styles [N,S] (mixture weights); AdaIN models export
            their decoder. Examples:
              orleans-style models export models/multi4.safetensors --onnx -o multi4.onnx
              orleans-style models export multi4 --onnx --gateway http://localhost:5080
            """)
        {
            model, onnx, output, gateway, apiKey,
        };
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            if (!parse.GetValue(onnx))
            {
                throw new ArgumentException("Choose the export format: --onnx (the only one so far).");
            }

            var name = parse.GetValue(model)!;
            var target = Path.GetFullPath(parse.GetValue(output) ?? Path.GetFileNameWithoutExtension(name) + ".onnx");
            var folder = Path.GetDirectoryName(target)!;
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException($"The output folder {folder} does not exist.");
            }

            if (parse.GetValue(gateway) is { } url)
            {
                using var channel = GatewayChannels.Open(url);
                await WriteAsync(target, file => ReceiveAsync(channel, name, GatewayChannels.Headers(parse.GetValue(apiKey)), file, cancellationToken));
            }
            else
            {
                if (!File.Exists(name))
                {
                    throw new FileNotFoundException($"No model file {name}: give a .safetensors path, or a registry name with --gateway.");
                }

                var bytes = OnnxExport.Export(name);
                await WriteAsync(target, file => file.WriteAsync(bytes, cancellationToken).AsTask());
            }

            AnsiConsole.MarkupLine(Markup.Escape($"Wrote {target} ({new FileInfo(target).Length} bytes)."));
            return 0;
        })));
        return command;
    }

    private static async Task WriteAsync(string target, Func<FileStream, Task> write)
    {
        var partial = target + ".partial";
        try
        {
            await using (var file = File.Create(partial))
            {
                await write(file);
            }

            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private static async Task ReceiveAsync(Grpc.Net.Client.GrpcChannel channel, string name, Metadata headers, FileStream file, CancellationToken cancellationToken)
    {
        using var call = new Models.ModelsClient(channel).ExportModel(
            new ExportModelRequest { Name = name, Format = ExportFormat.Onnx }, headers, cancellationToken: cancellationToken);
        long? expected = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (message.PayloadCase == ExportModelResponse.PayloadOneofCase.Header)
            {
                expected = message.Header.SizeBytes;
            }
            else
            {
                await file.WriteAsync(message.Chunk.Memory, cancellationToken);
            }
        }

        if (expected != file.Length)
        {
            throw new IOException($"The gateway's export of {name} ended after {file.Length} of {expected} bytes: retry.");
        }
    }
}
