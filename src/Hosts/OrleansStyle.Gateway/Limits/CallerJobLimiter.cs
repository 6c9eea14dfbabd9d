using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Limits;

/// <summary>Counts the render calls each caller has open and refuses one past the caller's limit.</summary>
public sealed class CallerJobLimiter(IOptions<GatewayOptions> options)
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
