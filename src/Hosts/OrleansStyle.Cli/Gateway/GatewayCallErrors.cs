using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Cli.Commands;
using Spectre.Console;

namespace OrleansStyle.Cli.Gateway;

/// <summary>Gateway errors as one line per problem (with the field to fix) and the CLI's exit codes.</summary>
internal static class GatewayCallErrors
{
    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception) when (exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled: the job was cancelled and nothing was written.[/]");
            return CliErrors.Cancelled;
        }
        catch (RpcException exception)
        {
            var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
            if (violations is { Count: > 0 })
            {
                foreach (var violation in violations)
                {
                    Console.Error.WriteLine($"error: {violation.Field}: {violation.Description}");
                }
            }
            else
            {
                Console.Error.WriteLine($"error: the gateway answered {exception.StatusCode}: {exception.Status.Detail}");
            }

            return exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown ? 1 : CliErrors.BadInput;
        }
    }
}
