using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>models list|describe</c>: the gateway's model registry.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "The trained models a gateway's farm can render with.");

        var listGateway = new GatewayOptionsSet();
        var list = new Command("list", "List the models.");
        listGateway.AddTo(list);
        list.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(listGateway.Gateway)!);
            var response = await new Models.ModelsClient(channel).ListModelsAsync(
                new ListModelsRequest(), GatewayChannels.Headers(parse.GetValue(listGateway.ApiKey)), cancellationToken: cancellationToken);
            var table = new Table().AddColumns("name", "kind", "architecture", "styles");
            foreach (var model in response.Models)
            {
                table.AddRow(Markup.Escape(model.Name), model.Kind, Markup.Escape(model.Architecture), Markup.Escape(string.Join(", ", model.Styles)));
            }

            AnsiConsole.Write(table);
            return 0;
        })));

        var name = new Argument<string>("name") { Description = "The model's name." };
        var describeGateway = new GatewayOptionsSet();
        var describe = new Command("describe", "Show one model's kind, architecture and styles.") { name };
        describeGateway.AddTo(describe);
        describe.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(describeGateway.Gateway)!);
            var model = await new Models.ModelsClient(channel).DescribeModelAsync(
                new DescribeModelRequest { Name = parse.GetValue(name)! }, GatewayChannels.Headers(parse.GetValue(describeGateway.ApiKey)), cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine(Markup.Escape($"{model.Name}: {model.Kind} ({model.Architecture}), {model.FileBytes} bytes; styles: {string.Join(", ", model.Styles)}"));
            return 0;
        })));

        var file = new Argument<string>("file") { Description = "A model file (.safetensors) as `orleans-style train` writes it." };
        var uploadName = new Option<string?>("--name") { Description = "The model's name on the gateway (default: the file name without extension)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model of the same name." };
        var uploadGateway = new GatewayOptionsSet();
        var upload = new Command("upload", "Add a model file to the gateway's registry.") { file, uploadName, overwrite };
        uploadGateway.AddTo(upload);
        upload.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"No such file: {path}", path);
            }

            var modelName = parse.GetValue(uploadName) ?? Path.GetFileNameWithoutExtension(path);
            using var channel = GatewayChannels.Open(parse.GetValue(uploadGateway.Gateway)!);
            using var call = new Models.ModelsClient(channel).UploadModel(GatewayChannels.Headers(parse.GetValue(uploadGateway.ApiKey)), cancellationToken: cancellationToken);
            try
            {
                await call.RequestStream.WriteAsync(
                    new UploadModelRequest { Header = new UploadModelHeader { Name = modelName, Overwrite = parse.GetValue(overwrite), SizeBytes = new FileInfo(path).Length } },
                    cancellationToken);
                await using var stream = File.OpenRead(path);
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
                {
                    await call.RequestStream.WriteAsync(new UploadModelRequest { Chunk = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
                }

                await call.RequestStream.CompleteAsync();
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Refused part-way: the reason is the call's status, read next.
            }

            var model = await call;
            AnsiConsole.MarkupLine(Markup.Escape($"Uploaded {model.Name}: {model.Kind} ({model.Architecture}); styles: {string.Join(", ", model.Styles)}"));
            return 0;
        })));

        var deleteName = new Argument<string>("name") { Description = "The model's name." };
        var deleteGateway = new GatewayOptionsSet();
        var delete = new Command("delete", "Remove a model from the gateway's registry.") { deleteName };
        deleteGateway.AddTo(delete);
        delete.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(deleteGateway.Gateway)!);
            await new Models.ModelsClient(channel).DeleteModelAsync(
                new DeleteModelRequest { Name = parse.GetValue(deleteName)! }, GatewayChannels.Headers(parse.GetValue(deleteGateway.ApiKey)), cancellationToken: cancellationToken);
            AnsiConsole.MarkupLine(Markup.Escape($"Deleted {parse.GetValue(deleteName)}."));
            return 0;
        })));

        command.Subcommands.Add(list);
        command.Subcommands.Add(describe);
        command.Subcommands.Add(upload);
        command.Subcommands.Add(delete);
        return command;
    }
}
