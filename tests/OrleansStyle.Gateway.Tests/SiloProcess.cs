using System.Diagnostics;
using System.Text;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// <c>orleans-style-silo</c> as a real process (the build beside these tests), so what its <c>/metrics</c> shows is
/// its own and not this test process's. Disposing it kills it.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
    }

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

    public static SiloProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(SiloAssembly());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloProcess(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
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

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    /// <summary>The silo beside these tests (a project reference), else the silo project's own build output.</summary>
    private static string SiloAssembly()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "orleans-style-silo.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Parent?.Name ?? "Release";
        var built = Path.Combine(OrleansStyle.Tests.Shared.RepositoryRoot.Directory, "src", "Hosts", "OrleansStyle.Silo", "bin", configuration, "net10.0", "orleans-style-silo.dll");
        return File.Exists(built) ? built : throw new FileNotFoundException($"Build the silo first: dotnet build src/Hosts/OrleansStyle.Silo -c {configuration}.", built);
    }
}
