using System.CommandLine;
using System.Globalization;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>styles list|describe|upload|delete</c>: the gateway's style library.</summary>
internal static class StylesCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The style's name." };
        var file = new Argument<string>("file") { Description = "A style image (PNG, JPEG or WebP)." };
        var uploadName = new Option<string?>("--name") { Description = "The style's name on the gateway (default: the file name without extension)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a style of the same name." };

        return new Command("styles", """
            The style images a gateway keeps, so renders and training jobs can name them. Example:
              orleans-style styles upload starry_night.jpg --gateway http://localhost:5080
              orleans-style render photo.jpg --gateway http://localhost:5080 --model adain --method adain --style starry_night -o out.png
            """)
        {
            GatewayCommand.Create("list", "List the styles.", async call =>
            {
                var response = await Client(call).ListStylesAsync(new ListStylesRequest(), call.Headers, cancellationToken: call.CancellationToken);
                var table = new Table().AddColumns("name", "size", "type", "bytes");
                foreach (var style in response.Styles)
                {
                    table.AddRow(Markup.Escape(style.Name), $"{style.Width}×{style.Height}", style.MediaType, style.FileBytes.ToString(CultureInfo.InvariantCulture));
                }

                AnsiConsole.Write(table);
                return 0;
            }),
            GatewayCommand.Create("describe", "Show one style's size and type.", async call =>
            {
                Print("", await Client(call).DescribeStyleAsync(new DescribeStyleRequest { Name = call.Get(name) }, call.Headers, cancellationToken: call.CancellationToken));
                return 0;
            }, name),
            GatewayCommand.Create("upload", "Add a style image to the gateway's library.", async call =>
            {
                Print("Uploaded ", await UploadAsync(Client(call), call.Get(file), call.Get(uploadName), call.Get(overwrite), call.Headers, call.CancellationToken));
                return 0;
            }, file, uploadName, overwrite),
            GatewayCommand.Create("delete", "Remove a style from the gateway's library.", async call =>
            {
                await Client(call).DeleteStyleAsync(new DeleteStyleRequest { Name = call.Get(name) }, call.Headers, cancellationToken: call.CancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape($"Deleted {call.Get(name)}."));
                return 0;
            }, name),
        };
    }

    /// <summary>Uploads one image to the library (shared with <c>train --gateway</c>, which uploads the paintings it is given as files).</summary>
    public static async Task<StyleInfo> UploadAsync(
        Styles.StylesClient client, string path, string? name, bool overwrite, Grpc.Core.Metadata headers, CancellationToken cancellationToken)
    {
        ChunkedUpload.RequireFile(path);
        using var call = client.UploadStyle(headers, cancellationToken: cancellationToken);
        await ChunkedUpload.SendAsync(
            call.RequestStream,
            new UploadStyleRequest { Header = new UploadStyleHeader { Name = name ?? Path.GetFileNameWithoutExtension(path), Overwrite = overwrite, SizeBytes = new FileInfo(path).Length } },
            path,
            data => new UploadStyleRequest { Chunk = data },
            cancellationToken);
        return await call;
    }

    private static Styles.StylesClient Client(GatewayCall call) => new(call.Channel);

    private static void Print(string prefix, StyleInfo style) =>
        AnsiConsole.MarkupLine(Markup.Escape($"{prefix}{style.Name}: {style.Width}×{style.Height} {style.MediaType}, {style.FileBytes} bytes"));
}
