using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Admission;

/// <summary>
/// Keeps the farm's running renders under <see cref="JobOptions.MaxActiveRenders"/>. Gateways release what they
/// admitted; a release that never comes (a gateway killed mid-render) is healed here: at the cap, every job admitted
/// is asked for its state, and those that ended stop counting, as do those without a coordinator once
/// <see cref="StartGrace"/> has passed since their admission. The count lives in memory: if this grain's silo dies, it restarts empty and the cap is briefly loose,
/// never stuck.
/// </summary>
public sealed partial class FarmAdmissionGrain(
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<FarmAdmissionGrain> logger) : Grain, IFarmAdmissionGrain
{
    /// <summary>Between admission and the job's submission the gateway still plans it: no job exists yet.</summary>
    internal static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(1);

    // A coordinator on a dead silo must not hold admission for Orleans' whole response timeout.
    private static readonly TimeSpan StateQueryTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Admitted> _running = new(StringComparer.Ordinal);
    private readonly int _limit = options.Value.MaxActiveRenders;

    public async Task<FarmAdmission> Admit(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (_running.TryGetValue(jobId, out var held))
        {
            held.Holders++;
            return new FarmAdmission(true, _running.Count, _limit);
        }

        if (_running.Count >= _limit)
        {
            await ForgetEndedJobs();
        }

        if (_running.Count >= _limit)
        {
            LogRefused(logger, jobId, _running.Count, _limit);
            return new FarmAdmission(false, _running.Count, _limit);
        }

        _running[jobId] = new Admitted(time.GetUtcNow());
        return new FarmAdmission(true, _running.Count, _limit);
    }

    public Task Release(string jobId)
    {
        if (_running.TryGetValue(jobId, out var held) && --held.Holders <= 0)
        {
            _running.Remove(jobId);
        }

        return Task.CompletedTask;
    }

    public Task<int> ActiveJobs() => Task.FromResult(_running.Count);

    private async Task ForgetEndedJobs()
    {
        var settled = time.GetUtcNow() - StartGrace;
        var ended = await Task.WhenAll(_running.Select(async entry => (id: entry.Key, ended: await HasEnded(entry.Key, entry.Value.Since <= settled))));
        foreach (var (id, _) in ended.Where(result => result.ended))
        {
            _running.Remove(id);
            LogForgotten(logger, id);
        }
    }

    private async Task<bool> HasEnded(string jobId, bool settled)
    {
        try
        {
            var status = await GrainFactory.GetGrain<IRenderJobGrain>(jobId).GetStatus().WaitAsync(StateQueryTimeout);
            return status.State is JobState.Completed or JobState.Failed or JobState.Cancelled;
        }
        catch (InvalidJobException)
        {
            // No coordinator holds it: still being planned by its gateway, or lost with its silo, or expired after it
            // finished; only the first is possible within the grace period.
            return settled;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused job {JobId}: the farm runs {Active} renders, its cap of {Limit}")]
    private static partial void LogRefused(ILogger logger, string jobId, int active, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ended without being released; it no longer counts towards the farm's cap")]
    private static partial void LogForgotten(ILogger logger, string jobId);

    private sealed class Admitted(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;

        public int Holders { get; set; } = 1;
    }
}
