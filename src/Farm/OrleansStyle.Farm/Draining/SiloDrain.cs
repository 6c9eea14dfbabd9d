using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Devices;

namespace OrleansStyle.Farm.Draining;

/// <summary>
/// A silo's graceful exit, as a step of the Orleans silo lifecycle's stop. It runs in the stage where Orleans marks
/// the silo ShuttingDown in the membership table (so the cluster stops placing coordinators here and routing tiles
/// to its workers) and before the stage that deactivates its grains:
/// <list type="number">
/// <item>every device queue refuses new work (coordinators that have not yet heard route the tile elsewhere);</item>
/// <item>the tiles already accepted finish, for at most <see cref="DrainOptions.GracePeriod"/>;</item>
/// <item>what is left is handed back (refused), so coordinators send it to another silo without counting a failure.</item>
/// </list>
/// Then Orleans deactivates this silo's grains (coordinators persist first) and the silo leaves the cluster.
/// </summary>
public sealed partial class SiloDrain(DeviceServices devices, IOptions<DrainOptions> options, ILogger<SiloDrain> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>
    /// The shortest drain. Other silos learn that this one is leaving by gossip, moments after it starts; until then
    /// their coordinators still send tiles here, and a refusal (routed elsewhere at no cost) is better for them than a
    /// call that lands after this silo's workers deactivated (which they count as a failed attempt).
    /// </summary>
    public static TimeSpan MembershipSettle { get; } = TimeSpan.FromSeconds(2);

    private volatile bool _draining;

    /// <summary>True from the moment the silo started to leave.</summary>
    public bool IsDraining => _draining;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloDrain), ServiceLifecycleStage.BecomeActive, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken stopping)
    {
        _draining = true;
        if (stopping.IsCancellationRequested)
        {
            return; // an ungraceful stop (Orleans skips its own graceful steps too): the silo goes as if it had crashed
        }

        var queues = devices.Queues;
        var grace = options.Value.GracePeriod;
        LogDraining(logger, queues.Sum(q => q.Depth), grace.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        var idle = Task.WhenAll(queues.Select(q => q.Drain()));
        try
        {
            // The host's own shutdown timeout (stopping) cuts the grace short: then hand back at once.
            await idle.WaitAsync(grace, stopping);
            LogDrained(logger);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            var left = queues.Sum(q => q.HandBack());
            LogHandedBack(logger, left, grace.TotalSeconds);

            // A running batch stops at its token (optimisation tiles) or finishes its forward pass: either way it ends soon.
            await idle.WaitAsync(DrainOptions.StopAllowance / 2, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var settle = MembershipSettle - Stopwatch.GetElapsedTime(started);
        if (settle > TimeSpan.Zero && !stopping.IsCancellationRequested)
        {
            await Task.Delay(settle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: no new tiles; {Tiles} queued or running may finish within {Seconds:0} s")]
    private static partial void LogDraining(ILogger logger, int tiles, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: every accepted tile finished")]
    private static partial void LogDrained(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain: {Tiles} tiles handed back to their coordinators after {Seconds:0} s")]
    private static partial void LogHandedBack(ILogger logger, int tiles, double seconds);
}
