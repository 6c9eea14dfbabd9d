namespace OrleansStyle.Tests.Shared;

/// <summary>
/// The one polling helper of the test projects: observes a value until it satisfies a condition, and throws when the
/// deadline passes with the last value observed, so a timeout says what the test saw instead of passing silently.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Observes until <paramref name="done"/> holds and returns the value that satisfied it.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> observe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var last = await observe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow >= until)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:F0} s waiting for {what}; last observed: {last?.ToString() ?? "null"}");
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>Synchronous observation, e.g. a counter or an in-process object's state.</summary>
    public static Task<T> Until<T>(Func<T> observe, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(observe()), done, what, timeout);
}
