using OrleansStyle.Gateway.Hosting;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// The default <c>render</c>: the gateway render, in this process. An embedded gateway and silo start on a free
/// loopback port and the request goes through them, so the bytes equal <c>render --gateway</c> against a default
/// <c>serve</c>.
/// </summary>
internal static class EmbeddedFarmRender
{
    public static async Task<int> RunAsync(GatewayRenderArgs args, CancellationToken cancellationToken)
    {
        if (args.Model is { } path && args.Method != "optimize")
        {
            // A local file is checked here, so its problems name it (a gateway names no server paths).
            var info = Neural.FeedForward.StyleModelFile.ReadInfo(path.EndsWith(".safetensors", StringComparison.Ordinal) ? RequireFile(path) : ModelPath(path));
            GatewayRender.RequireMethodFits(path, info.Kind == Neural.FeedForward.StyleModelKind.AdaIn, args.Method);
        }

        // A model given as a path is served from its folder, under its file name.
        var models = args.Model is { } model && Path.GetDirectoryName(model) is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.GetFullPath("models");
        await using var host = await GatewayHost.StartAsync(
            // Errors reach the user through the render's status; the silo's start-up notes would only clutter the console.
            new GatewayHostOptions { Models = m => m.Directory = models, Gateway = g => g.RequireApiKey = false, LogLevel = Microsoft.Extensions.Logging.LogLevel.Error },
            cancellationToken);
        return await GatewayRender.RunAsync(args with { Gateway = host.Address.ToString(), ApiKey = null, DisplayName = "the embedded farm" }, cancellationToken);
    }

    private static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"No such model file: {path}", path);

    /// <summary>A bare name is a model of ./models, as the embedded registry serves it.</summary>
    private static string ModelPath(string name) =>
        Path.GetDirectoryName(name) is { Length: > 0 } ? RequireFile(name + ".safetensors") : RequireFile(Path.Combine("models", name + ".safetensors"));
}
