using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OrleansStyle.Tests.Shared;

/// <summary>
/// A program of this repository (the CLI <c>orleans-style</c>, the standalone silo) as a real process, built beside the
/// tests: watched line by line and stopped the way Kubernetes and a terminal stop it, with signals. Disposing it kills
/// whatever is left.
/// </summary>
public sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private bool _exited;

    private ProgramProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => OnLine(line.Data);
        _process.ErrorDataReceived += (_, line) => OnLine(line.Data);
        _process.Exited += (_, _) => OnExited();
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

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>orleans-style ARGUMENTS</c> in <paramref name="folder"/>.</summary>
    public static ProgramProcess Cli(string folder, IEnumerable<string> arguments) =>
        Start(folder, Assembly("orleans-style", "OrleansStyle.Cli"), arguments);

    /// <summary>Starts <c>orleans-style ARGUMENTS</c> in <paramref name="folder"/> with extra environment variables (e.g. OrleansStyle__* settings).</summary>
    public static ProgramProcess Cli(string folder, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        Start(folder, Assembly("orleans-style", "OrleansStyle.Cli"), arguments, environment);

    /// <summary>Starts the standalone silo <c>orleans-style-silo ARGUMENTS</c> (settings as <c>--Section:Key=value</c>).</summary>
    public static ProgramProcess Silo(IEnumerable<string> arguments) =>
        Start(AppContext.BaseDirectory, Assembly("orleans-style-silo", "OrleansStyle.Silo"), arguments);

    private static ProgramProcess Start(string folder, string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // A process started from a shell in the background inherits SIGINT ignored, and .NET leaves ignored signals
        // ignored; restore the default so Ctrl+C reaches the CLI as it does in a terminal.
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

        foreach (var argument in arguments.Prepend(assembly))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var program = new ProgramProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return program;
    }

    /// <summary>The first line (printed so far or later) that matches; fails when the process exits without one.</summary>
    public Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (var line in _output.ToString().Split('\n'))
            {
                if (pattern.Match(line.TrimEnd('\r')) is { Success: true } match)
                {
                    return Task.FromResult(match);
                }
            }

            if (_exited)
            {
                return Task.FromException<Match>(NeverPrinted(pattern));
            }

            _waiters.Add((pattern, found));
        }

        return WaitAsync(found.Task, pattern, timeout);
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
            Assert.Fail($"the program still ran {timeout.TotalSeconds:0} s after it was told to stop:\n{Output}");
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

    private async Task<Match> WaitAsync(Task<Match> found, Regex pattern, TimeSpan timeout)
    {
        try
        {
            return await found.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No line matching /{pattern}/ within {timeout.TotalSeconds:0} s:\n{Output}");
        }
    }

    private InvalidOperationException NeverPrinted(Regex pattern) =>
        new($"the program exited ({_process.ExitCode}) without printing a line matching /{pattern}/:\n{Output}");

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<(TaskCompletionSource<Match> Found, Match Match)> matched = [];
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiters.ToList())
            {
                if (waiter.Pattern.Match(line) is { Success: true } match)
                {
                    _waiters.Remove(waiter);
                    matched.Add((waiter.Found, match));
                }
            }
        }

        foreach (var (found, match) in matched)
        {
            found.TrySetResult(match);
        }
    }

    private void OnExited()
    {
        // The output's last lines can arrive after Exited: wait for the streams to end before failing the waiters.
        _process.WaitForExit();
        List<(Regex Pattern, TaskCompletionSource<Match> Found)> left;
        lock (_output)
        {
            _exited = true;
            left = [.. _waiters];
            _waiters.Clear();
        }

        foreach (var (pattern, found) in left)
        {
            found.TrySetException(NeverPrinted(pattern));
        }
    }

    /// <summary>
    /// The program beside the tests (a project reference brings its build), else its project's own build output for
    /// the same configuration.
    /// </summary>
    private static string Assembly(string name, string project)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Parent?.Name ?? "Release";
        var built = Path.Combine(RepositoryRoot.Directory, "src", "Hosts", project, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(built) ? built : throw new FileNotFoundException($"Build {name} first: dotnet build src/Hosts/{project} -c {configuration}.", built);
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
}
