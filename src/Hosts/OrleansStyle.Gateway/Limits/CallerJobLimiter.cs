using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Limits;

/// <summary>
/// Counts each caller's renders, open calls and detached jobs still running alike, and refuses one past the caller's
/// limit; otherwise detaching would be a way around it. The count is this gateway's: a caller spread over several
/// gateways has the limit at each.
/// </summary>
public sealed partial class CallerJobLimiter(IOptions<GatewayOptions> options, ILogger<CallerJobLimiter> logger)
{
    private readonly int _limit = options.Value.MaxConcurrentJobsPerCaller;
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A slot for one job of <paramref name="caller"/>; dispose it when the call ends.</summary>
    public IDisposable Acquire(string caller)
    {
        while (true)
        {
            var current = _open.GetOrAdd(caller, 0);
            if (current >= _limit)
            {
                throw GatewayErrors.ResourceExhausted(
                    $"{caller} already has {current} renders running, the most one caller may have at once ({GatewayOptions.Section}:MaxConcurrentJobsPerCaller): wait for one to finish.",
                    "TOO_MANY_JOBS");
            }

            if (_open.TryUpdate(caller, current + 1, current))
            {
                return new Slot(this, caller);
            }
        }
    }

    public int Open(string caller) => _open.GetValueOrDefault(caller);

    /// <summary>Keeps <paramref name="slot"/> taken until the detached <paramref name="job"/> finishes (or is lost).</summary>
    public void HoldUntilFinished(IDisposable slot, IRenderJobGrain job)
    {
        ArgumentNullException.ThrowIfNull(slot);
        ArgumentNullException.ThrowIfNull(job);
        _ = Task.Run(async () =>
        {
            try
            {
                // The watch ends with the job's JobFinished event.
                await foreach (var item in job.Watch())
                {
                    if (item is JobFinished)
                    {
                        break;
                    }
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogWatchFailed(logger, exception, job.GetPrimaryKeyString());
            }
            finally
            {
                slot.Dispose();
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost track of detached job {JobId}; its caller's slot is released")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string jobId);

    private void Release(string caller)
    {
        while (true)
        {
            var current = _open.GetValueOrDefault(caller);
            if (current <= 1)
            {
                // Drop idle callers so the table does not grow with every peer ever seen.
                if (_open.TryRemove(new KeyValuePair<string, int>(caller, current)) || current == 0)
                {
                    return;
                }
            }
            else if (_open.TryUpdate(caller, current - 1, current))
            {
                return;
            }
        }
    }

    private sealed class Slot(CallerJobLimiter owner, string caller) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(caller);
            }
        }
    }
}
