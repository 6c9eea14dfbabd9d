using OrleansStyle.Gateway.Hosting;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// <c>render --farm</c>: the gateway render, in this process. An embedded gateway and silo start on a free loopback
/// port and the request goes through them, so the bytes equal <c>render --gateway</c> against a default <c>serve</c>.
/// </summary>
internal static class EmbeddedFarmRender
{
    public static async Task<int> RunAsync(GatewayRenderArgs args, CancellationToken cancellationToken)
    {
        // A model given as a path is served from its folder, under its file name.
        var models = args.Model is { } model && Path.GetDirectoryName(model) is { Length: > 0 } folder ? Path.GetFullPath(folder) : Path.GetFullPath("models");
        await using var host = await GatewayHost.StartAsync(
            new GatewayHostOptions { Models = m => m.Directory = models, Gateway = g => g.RequireApiKey = false },
            cancellationToken);
        return await GatewayRender.RunAsync(args with { Gateway = host.Address.ToString(), ApiKey = null }, cancellationToken);
    }
}
