using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace OrleansStyle.Gateway.Tests.Chromium;

/// <summary>
/// A small Chrome DevTools protocol client over one WebSocket: commands with their answers, waits for events, and
/// what the page reported as going wrong (uncaught exceptions, console errors, Content-Security-Policy refusals).
/// </summary>
internal sealed class DevToolsSession : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _answers = new();
    private readonly ConcurrentDictionary<string, List<TaskCompletionSource<JsonElement>>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private int _nextId;

    private DevToolsSession(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Exceptions, console errors and browser log errors (a CSP violation is one) since the session opened.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    public static async Task<DevToolsSession> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await socket.ConnectAsync(address, cancellationToken);
        var session = new DevToolsSession(socket);
        await session.SendAsync("Runtime.enable", null, cancellationToken);
        await session.SendAsync("Log.enable", null, cancellationToken);
        await session.SendAsync("Page.enable", null, cancellationToken);
        return session;
    }

    public async Task<JsonElement> SendAsync(string method, object? parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answers[id] = answer;
        var message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        return await answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Starts waiting for the next <paramref name="method"/> event; call it before the command that causes it.</summary>
    public Task<JsonElement> NextEvent(string method)
    {
        var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var list = _waiters.GetOrAdd(method, _ => []);
        lock (list)
        {
            list.Add(waiter);
        }

        return waiter.Task;
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page, awaiting a promise, and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, awaitPromise = true, returnByValue = true }, cancellationToken);
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"The page threw evaluating {expression}: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    public async Task NavigateAsync(Uri address, CancellationToken cancellationToken)
    {
        var loaded = NextEvent("Page.loadEventFired");
        await SendAsync("Page.navigate", new { url = address.ToString() }, cancellationToken);
        await loaded.WaitAsync(cancellationToken);
    }

    /// <summary>The viewport as PNG, or as JPEG with <paramref name="jpegQuality"/>.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken, int? jpegQuality = null) =>
        Convert.FromBase64String((await SendAsync(
            "Page.captureScreenshot",
            jpegQuality is { } quality ? new { format = "jpeg", quality } : new { format = "png", quality = 100 },
            cancellationToken)).GetProperty("data").GetString()!);

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The browser may be gone already.
        }

        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _closing.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                var part = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                using (var document = JsonDocument.Parse(message.ToArray()))
                {
                    Dispatch(document.RootElement);
                }

                message.SetLength(0);
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            // Closed: whoever still waits gets the failure below.
        }

        foreach (var answer in _answers.Values)
        {
            answer.TrySetException(new InvalidOperationException("The DevTools connection closed."));
        }
    }

    private void Dispatch(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (_answers.TryRemove(id.GetInt32(), out var answer))
            {
                if (message.TryGetProperty("error", out var error))
                {
                    answer.TrySetException(new InvalidOperationException($"DevTools refused a command: {error}"));
                }
                else
                {
                    answer.TrySetResult(message.GetProperty("result").Clone());
                }
            }

            return;
        }

        var method = message.GetProperty("method").GetString()!;
        var parameters = message.TryGetProperty("params", out var p) ? p.Clone() : default;
        switch (method)
        {
            case "Runtime.exceptionThrown":
                _problems.Enqueue($"exception: {parameters.GetProperty("exceptionDetails")}");
                break;
            case "Runtime.consoleAPICalled" when parameters.GetProperty("type").GetString() == "error":
                _problems.Enqueue($"console.error: {parameters.GetProperty("args")}");
                break;
            case "Log.entryAdded" when parameters.GetProperty("entry").GetProperty("level").GetString() == "error":
                _problems.Enqueue($"{parameters.GetProperty("entry").GetProperty("source")}: {parameters.GetProperty("entry").GetProperty("text")}");
                break;
        }

        if (_waiters.TryGetValue(method, out var waiters))
        {
            lock (waiters)
            {
                foreach (var waiter in waiters)
                {
                    waiter.TrySetResult(parameters);
                }

                waiters.Clear();
            }
        }
    }
}
