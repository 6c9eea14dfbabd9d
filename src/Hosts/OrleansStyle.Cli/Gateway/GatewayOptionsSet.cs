using System.CommandLine;

namespace OrleansStyle.Cli.Gateway;

/// <summary>The --gateway and --api-key options every gateway subcommand takes.</summary>
internal sealed class GatewayOptionsSet
{
    public const string DefaultGateway = "http://localhost:5080";

    public Option<string> Gateway { get; } = new("--gateway") { Description = "The gateway's address.", DefaultValueFactory = _ => DefaultGateway };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = $"API key (default: ${GatewayChannels.ApiKeyVariable})." };

    public void AddTo(Command command)
    {
        command.Options.Add(Gateway);
        command.Options.Add(ApiKey);
    }
}
