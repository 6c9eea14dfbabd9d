using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Grpc.Health.V1;
using Grpc.Net.Client;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// <c>orleans-style serve</c> as a real process (the CLI built beside these tests), to be stopped the way Kubernetes
/// and a terminal stop it: with signals. Disposing it kills whatever is left.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"serve exited ({_process.ExitCode}) before it listened:\n{Output}"));
        _process.EnableRaisingEvents = true;
    }

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>serve --port 0</c> (a free port, read back from its first line) in <paramref name="folder"/>.</summary>
    public static ServeProcess Start(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // A process started from a shell in the background inherits SIGINT ignored, and .NET leaves ignored signals
        // ignored; restore the default so Ctrl+C reaches serve as it does in a terminal.
        if (SigIntIgnored())
        {
            start.FileName = "env";
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add("dotnet");
        }
        else
        {
            start.FileName = "dotnet";
        }

        foreach (var argument in new[] { CliAssembly(), "serve", "--port", "0" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var serve = new ServeProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>Waits for the address serve prints, then until its health check answers SERVING.</summary>
    public async Task<Uri> WaitUntilServingAsync(TimeSpan timeout)
    {
        var started = DateTime.UtcNow;
        var address = await _listening.Task.WaitAsync(timeout);
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
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
        Assert.True(kill.ExitCode == 0, $"kill -s {signal} failed with {kill.ExitCode}");
    }

    /// <summary>The exit code, or a failure with the output when the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"serve still ran {timeout.TotalSeconds:0} s after it was told to stop:\n{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>
    /// The CLI beside these tests (it is a project reference, so its build comes with them), else the CLI project's
    /// own build output for the same configuration.
    /// </summary>
    private static string CliAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "orleans-style.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Parent?.Name ?? "Release";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansStyle.sln")))
            {
                var built = Path.Combine(directory.FullName, "src", "Hosts", "OrleansStyle.Cli", "bin", configuration, "net10.0", "orleans-style.dll");
                return File.Exists(built) ? built : throw new FileNotFoundException($"Build the CLI first: dotnet build src/Hosts/OrleansStyle.Cli -c {configuration}.", built);
            }
        }

        throw new FileNotFoundException("No orleans-style.dll beside the tests and no repository above them.");
    }

    /// <summary>Whether this process ignores SIGINT (signal 2: mask 0x2 of SigIgn in /proc/self/status), as its children then do.</summary>
    private static bool SigIntIgnored()
    {
        const string prefix = "SigIgn:";
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) : null;
        return line is not null
            && ulong.TryParse(line[prefix.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var ignored)
            && (ignored & (1UL << (2 - 1))) != 0;
    }

    [GeneratedRegex(@"Gateway on (http://[^\s(]+)")]
    private static partial Regex ListeningLine();
}
