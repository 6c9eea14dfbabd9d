using System.Globalization;
using System.Runtime.InteropServices;
using OrleansStyle.Gateway.Hosting;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// SIGTERM and SIGINT (Ctrl+C) for <c>serve</c>: the first drains the gateway (no new calls, the grace period for
/// running ones, then leaving the cluster and exit code 0); a second one ends the grace period at once.
/// </summary>
/// <remarks>
/// .NET runs a signal's handlers newest first and stops at the first one that cancels the signal. Before this class,
/// the gateway host's console lifetime (registered after System.CommandLine's handler) took every signal and only
/// flagged the host as stopping, which nothing awaited, so System.CommandLine's token, the one serve waited on,
/// never fired and serve ran on. Registered once the host runs, these handlers come first and own the decision.
/// </remarks>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly GatewayHost _host;
    private readonly PosixSignalRegistration _terminate;
    private readonly PosixSignalRegistration _interrupt;
    private int _received;

    public ShutdownSignals(GatewayHost host)
    {
        _host = host;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    public void Dispose()
    {
        _terminate.Dispose();
        _interrupt.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Handled here: the runtime's default (exit at once) and System.CommandLine's handler (exit 2 s later with
        // code 130 or 143) would both cut the drain short.
        context.Cancel = true;
        if (Interlocked.Increment(ref _received) == 1)
        {
            AnsiConsole.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Stopping: new calls are refused; {_host.RunningCalls} running call(s) get up to {_host.ShutdownGrace.TotalSeconds:0.###} s to finish (Ctrl+C again ends them now)…"));
            _host.BeginShutdown();
        }
        else
        {
            AnsiConsole.MarkupLine("Ending the running calls now…");
            _host.EndGracePeriod();
        }
    }
}
