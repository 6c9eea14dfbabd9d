using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Spool;

/// <summary>
/// Deletes jobs left in the spool past their retention: results nobody collected, and jobs whose coordinator state
/// went with a process (the embedded farm keeps job state in memory, so a crashed CLI leaves only its spool behind).
/// Every silo sweeps; deleting a folder twice is harmless.
/// </summary>
public sealed partial class SpoolSweeper(JobSpool spool, IOptions<SpoolOptions> options, TimeProvider time, ILogger<SpoolSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                if (spool.Sweep(options.Value.Retention) is > 0 and var swept)
                {
                    LogSwept(logger, swept, spool.Root);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogSweepFailed(logger, exception, spool.Root);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Spool {Root}: swept {Count} job(s) past their retention")]
    private static partial void LogSwept(ILogger logger, int count, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool {Root}: the sweep failed; the next one retries")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, string root);
}
