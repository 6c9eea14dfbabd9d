using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Persists a grain's state without overlapping writes (storage checks an ETag, and two writes in flight from one
/// reentrant grain would conflict with each other): a write asked for while one runs is queued once, and every
/// caller of that queue awaits the same write, which includes all their changes. A failed write (storage briefly
/// away: a Redis restart) is retried with a back-off for <see cref="RetryFor"/>.
/// </summary>
public sealed partial class StateWriter(Func<Task> write, ILogger logger, string what)
{
    public static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);

    private Task _current = Task.CompletedTask;
    private Task? _next;

    /// <summary>Completes when a write that began after this call has succeeded.</summary>
    public Task WriteAsync()
    {
        if (_next is not null)
        {
            return _next;
        }

        if (_current.IsCompleted)
        {
            return _current = WriteWithRetries();
        }

        return _next = WriteAfter(_current);
    }

    private async Task WriteAfter(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The earlier write's callers hear its failure; this one tries afresh.
        }

        _next = null;
        _current = WriteWithRetries();
        await _current;
    }

    private async Task WriteWithRetries()
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var until = DateTimeOffset.UtcNow + RetryFor;
        while (true)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception exception) when (exception is not InconsistentStateException && DateTimeOffset.UtcNow < until)
            {
                LogRetry(logger, exception, what, delay.TotalSeconds);
                await Task.Delay(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What}: persisting its state failed; retrying in {Seconds:F1} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, string what, double seconds);
}
