using Grpc.Core;
using Spectre.Console;

namespace OrleansStyle.Cli.Gateway;

/// <summary>
/// Follows a job through moments when the farm cannot serve it: a call the gateway answers UNAVAILABLE (a silo was
/// killed and the job's coordinator is coming back from its persisted state, or the gateway itself is restarting) is
/// made again after a back-off (0.5 s doubling to 10 s), with a line saying so, for as long as <see cref="Patience"/>
/// passes without progress. The job id makes every attempt the same job: a render sent again is the same request
/// under the same id, an attach re-attaches by id.
/// </summary>
internal sealed class GatewayReconnect(string jobId)
{
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private DateTimeOffset _lastProgress = DateTimeOffset.UtcNow;

    /// <summary>How many times a call was made again.</summary>
    public int Reconnects { get; private set; }

    /// <summary>An event of the job arrived: patience starts again.</summary>
    public void Progressed() => _lastProgress = DateTimeOffset.UtcNow;

    /// <param name="attempt">The call; its argument is the number of attempts before it.</param>
    public async Task<T> RunAsync<T>(Func<int, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return await attempt(Reconnects);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable && !cancellationToken.IsCancellationRequested
                                                 && DateTimeOffset.UtcNow - _lastProgress < Patience)
            {
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"Job {jobId}: the gateway answered Unavailable ({exception.Status.Detail}); reconnecting in {backoff.TotalSeconds:F1} s…"));
            }

            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            Reconnects++;
        }
    }
}
