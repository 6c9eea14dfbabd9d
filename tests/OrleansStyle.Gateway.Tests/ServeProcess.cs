using System.Text.RegularExpressions;
using Grpc.Health.V1;
using Grpc.Net.Client;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary><c>orleans-style serve --port 0</c> as a real process: its address read back from its output, its health checked.</summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly ProgramProcess _process;

    private ServeProcess(ProgramProcess process) => _process = process;

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output => _process.Output;

    /// <summary>Starts <c>serve --port 0</c> (a free port, read back from its first line) in <paramref name="folder"/>.</summary>
    public static ServeProcess Start(string folder, params string[] arguments) =>
        new(ProgramProcess.Cli(folder, ["serve", "--port", "0", .. arguments]));

    /// <summary>Waits for the address serve prints, then until its health check answers SERVING.</summary>
    public async Task<Uri> WaitUntilServingAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        var address = new Uri((await _process.WaitForLineAsync(ListeningLine(), timeout)).Groups[1].Value);
        using var channel = GrpcChannel.ForAddress(address);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        var left = timeout - (DateTime.UtcNow - started);
        await Eventually.Until<string>(
            async () =>
            {
                try
                {
                    return (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status.ToString();
                }
                catch (Grpc.Core.RpcException unavailable)
                {
                    return unavailable.Status.ToString(); // the farm is still joining: ask again
                }
            },
            status => status == nameof(HealthCheckResponse.Types.ServingStatus.Serving),
            $"serve at {address} to answer SERVING",
            left > TimeSpan.Zero ? left : TimeSpan.Zero);
        return address;
    }

    /// <summary>Sends a signal (TERM, INT) as <c>kill</c> does.</summary>
    public Task SignalAsync(string signal) => _process.SignalAsync(signal);

    /// <summary>The exit code, or a failure with the output when the process is still running after <paramref name="timeout"/>.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"Gateway on (http://[^\s(]+)")]
    private static partial Regex ListeningLine();
}
