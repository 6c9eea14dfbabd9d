using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansStyle.Cli.Commands;

namespace OrleansStyle.Cli.Gateway;

/// <summary>What a gateway subcommand's action gets: its parsed options, an open channel, the API key header.</summary>
internal sealed record GatewayCall(ParseResult Parse, GrpcChannel Channel, Metadata Headers, CancellationToken CancellationToken)
{
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);
}

/// <summary>
/// The shape every <c>models</c>, <c>styles</c> and <c>jobs</c> subcommand shares: --gateway and --api-key, a channel
/// opened for the call, and gateway errors turned into messages and exit codes.
/// </summary>
internal static class GatewayCommand
{
    public static Command Create(string name, string description, Func<GatewayCall, Task<int>> run, params Symbol[] symbols)
    {
        var gateway = new GatewayOptionsSet();
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        gateway.AddTo(command);
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(() => GatewayCallErrors.Guard(async () =>
        {
            using var channel = GatewayChannels.Open(parse.GetValue(gateway.Gateway)!);
            return await run(new GatewayCall(parse, channel, GatewayChannels.Headers(parse.GetValue(gateway.ApiKey)), cancellationToken));
        })));
        return command;
    }
}
