using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansStyle.Gateway.Tests.Chromium;

/// <summary>
/// Debian's <c>chromium</c> (or <c>$CHROMIUM</c>) started headless with a throwaway profile and the DevTools protocol
/// on a free port; <see cref="OpenPageAsync"/> connects to its page. Playwright would download its own browser,
/// which a build machine without internet cannot, so the tests drive the system browser over the protocol directly.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly Uri _http;

    private HeadlessChromium(Process process, string profile, Uri http)
    {
        _process = process;
        _profile = profile;
        _http = http;
    }

    public static async Task<HeadlessChromium> StartAsync(CancellationToken cancellationToken)
    {
        var executable = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured
            ? configured
            : new[] { "chromium", "chromium-browser", "google-chrome" }.Select(FindOnPath).FirstOrDefault(path => path is not null)
                ?? throw new InvalidOperationException("The studio tests need headless Chromium: apt-get install chromium (or set CHROMIUM to a Chrome or Chromium binary).");
        var profile = Directory.CreateTempSubdirectory("orleansstyle-chromium-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--mute-audio", "--hide-scrollbars",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}", "--window-size=1280,900", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var said = new List<string>();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"{executable} exited before DevTools listened: {string.Join(" | ", said.TakeLast(10))}"));
                return;
            }

            lock (said)
            {
                said.Add(line.Data);
            }

            const string Prefix = "DevTools listening on ";
            if (line.Data.StartsWith(Prefix, StringComparison.Ordinal))
            {
                var socket = new Uri(line.Data[Prefix.Length..].Trim());
                listening.TrySetResult(new Uri($"http://{socket.Authority}/"));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            return new HeadlessChromium(process, profile, await listening.Task.WaitAsync(cancellationToken));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The DevTools session of the browser's first page.</summary>
    public async Task<DevToolsSession> OpenPageAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = _http };
        var targets = await http.GetFromJsonAsync<JsonElement>("json/list", cancellationToken);
        var page = targets.EnumerateArray().First(target => target.GetProperty("type").GetString() == "page");
        return await DevToolsSession.ConnectAsync(new Uri(page.GetProperty("webSocketDebuggerUrl").GetString()!), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helper processes may still hold a file for a moment; the temp folder is only litter.
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
