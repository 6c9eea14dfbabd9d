using System.CommandLine;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>models list|describe|upload|delete</c>: the gateway's model registry; <c>models export</c> (see <see cref="ModelExportCommand"/>).</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The model's name." };
        var file = new Argument<string>("file") { Description = "A model file (.safetensors) as `orleans-style train` writes it." };
        var uploadName = new Option<string?>("--name") { Description = "The model's name on the gateway (default: the file name without extension)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a model of the same name." };

        return new Command("models", """
            The trained models a gateway's farm can render with. Examples:
              orleans-style models list --gateway http://localhost:5080
              orleans-style models upload mine.safetensors --gateway http://localhost:5080 --api-key $KEY
              orleans-style models export models/multi4.safetensors --onnx -o multi4.onnx
            """)
        {
            GatewayCommand.Create("list", "List the models.", async call =>
            {
                var response = await Client(call).ListModelsAsync(new ListModelsRequest(), call.Headers, cancellationToken: call.CancellationToken);
                var table = new Table().AddColumns("name", "kind", "architecture", "styles");
                foreach (var model in response.Models)
                {
                    table.AddRow(Markup.Escape(model.Name), model.Kind, Markup.Escape(model.Architecture), Markup.Escape(string.Join(", ", model.Styles)));
                }

                AnsiConsole.Write(table);
                return 0;
            }),
            GatewayCommand.Create("describe", "Show one model's kind, architecture and styles.", async call =>
            {
                var model = await Client(call).DescribeModelAsync(new DescribeModelRequest { Name = call.Get(name) }, call.Headers, cancellationToken: call.CancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape($"{model.Name}: {model.Kind} ({model.Architecture}), {model.FileBytes} bytes; styles: {string.Join(", ", model.Styles)}"));
                return 0;
            }, name),
            GatewayCommand.Create("upload", "Add a model file to the gateway's registry.", async call =>
            {
                var path = ChunkedUpload.RequireFile(call.Get(file));
                using var upload = Client(call).UploadModel(call.Headers, cancellationToken: call.CancellationToken);
                await ChunkedUpload.SendAsync(
                    upload.RequestStream,
                    new UploadModelRequest
                    {
                        Header = new UploadModelHeader { Name = call.Get(uploadName) ?? Path.GetFileNameWithoutExtension(path), Overwrite = call.Get(overwrite), SizeBytes = new FileInfo(path).Length },
                    },
                    path,
                    data => new UploadModelRequest { Chunk = data },
                    call.CancellationToken);
                var model = await upload;
                AnsiConsole.MarkupLine(Markup.Escape($"Uploaded {model.Name}: {model.Kind} ({model.Architecture}); styles: {string.Join(", ", model.Styles)}"));
                return 0;
            }, file, uploadName, overwrite),
            GatewayCommand.Create("delete", "Remove a model from the gateway's registry.", async call =>
            {
                await Client(call).DeleteModelAsync(new DeleteModelRequest { Name = call.Get(name) }, call.Headers, cancellationToken: call.CancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape($"Deleted {call.Get(name)}."));
                return 0;
            }, name),
            ModelExportCommand.Create(),
        };
    }

    private static Models.ModelsClient Client(GatewayCall call) => new(call.Channel);
}
