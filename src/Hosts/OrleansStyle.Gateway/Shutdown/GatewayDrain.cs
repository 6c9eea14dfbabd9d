using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Shutdown;

/// <summary>
/// Drains the gateway when its host stops (SIGTERM, Ctrl+C, <c>StopAsync</c>): from then on new calls are refused
/// with UNAVAILABLE, running ones get <see cref="GatewayOptions.ShutdownGrace"/> to finish, and those still running
/// after it end with UNAVAILABLE too. It runs in the host's stopping phase, before Kestrel and the silo (or the
/// cluster client) stop, so running renders still have their farm.
/// </summary>
public sealed partial class GatewayDrain : IHostedLifecycleService, IDisposable
{
    /// <summary>After the grace period, how long interrupted calls get to send their status before their streams are reset.</summary>
    public static readonly TimeSpan InterruptAllowance = TimeSpan.FromSeconds(10);

    /// <summary>What the host's stop may take beyond the grace period: interrupted calls, then leaving the cluster.</summary>
    public static readonly TimeSpan StopAllowance = TimeSpan.FromSeconds(30);

    public const string Reason = "GATEWAY_SHUTTING_DOWN";

    private readonly Lock _lock = new();

    /// <summary>Running calls, and whether each holds up the drain (health checks do not: probes may watch forever).</summary>
    private readonly Dictionary<ServerCallContext, bool> _calls = [];
    private readonly CancellationTokenSource _graceOver = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger<GatewayDrain> _logger;
    private int _holding;
    private bool _draining;
    private volatile bool _cutShort;

    public GatewayDrain(IOptions<GatewayOptions> options, ILogger<GatewayDrain> logger, ILocalSiloDetails? silo = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Grace = options.Value.ShutdownGrace;
        FarmStopsWithGateway = silo is not null;
        _logger = logger;
    }

    public TimeSpan Grace { get; }

    /// <summary>A silo in this process (the embedded farm) stops with the gateway; a real cluster's silos go on.</summary>
    public bool FarmStopsWithGateway { get; }

    public bool IsDraining
    {
        get
        {
            lock (_lock)
            {
                return _draining;
            }
        }
    }

    /// <summary>Calls running now that a drain waits for (health checks excluded).</summary>
    public int RunningCalls => Holding();

    /// <summary>Cancelled when the grace period is over: long calls link it and end with <see cref="Interrupted"/>.</summary>
    public CancellationToken GraceOver => _graceOver.Token;

    /// <summary>Ends the grace period now (a second Ctrl+C): calls still running end at once.</summary>
    public void EndGracePeriod()
    {
        _cutShort = true;
        _graceOver.Cancel();
    }

    /// <summary>
    /// The status of a call the gateway ends because it is going away. UNAVAILABLE, not CANCELLED or ABORTED: neither
    /// the caller nor the job did anything wrong, and retrying (another replica, or this one once it is back) is the
    /// right reaction, which UNAVAILABLE tells clients and retry policies; gRPC servers that go away answer it too.
    /// </summary>
    public RpcException Interrupted(string outcome) => GatewayErrors.Build(
        Code.Unavailable,
        _cutShort
            ? $"The gateway is shutting down and its operator ended the grace period for running calls early; {outcome}"
            : $"The gateway is shutting down and gave running calls {Seconds(Grace)} ({GatewayOptions.Section}:ShutdownGrace, serve --shutdown-grace) to finish; {outcome}",
        Reason);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The drain itself: before any hosted service stops, so Kestrel still answers and the farm still renders.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        int running;
        lock (_lock)
        {
            _draining = true;
            running = _holding;
            if (running == 0)
            {
                _idle.TrySetResult();
            }
        }

        LogDraining(_logger, running, Seconds(Grace));
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _graceOver.Token))
        {
            grace.CancelAfter(Grace);
            await _idle.Task.WaitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!_idle.Task.IsCompleted)
        {
            LogGraceOver(_logger, _cutShort ? "cut short" : Seconds(Grace), Holding());
            await _graceOver.CancelAsync();
            using var allowance = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            allowance.CancelAfter(InterruptAllowance);
            await _idle.Task.WaitAsync(allowance.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        // What is left (health watches, a call that ignored the interruption) would hold Kestrel's stop until the host's timeout.
        ResetRemaining();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _graceOver.Dispose();

    /// <summary>Admits a call, or throws UNAVAILABLE once the drain has begun (health checks are always admitted).</summary>
    internal void Enter(ServerCallContext context, bool holdsDrain)
    {
        lock (_lock)
        {
            if (!_draining || !holdsDrain)
            {
                _calls[context] = holdsDrain;
                _holding += holdsDrain ? 1 : 0;
                return;
            }
        }

        throw GatewayErrors.Build(
            Code.Unavailable,
            "The gateway is shutting down and takes no new calls: retry through another gateway, or this one once it is back.",
            Reason);
    }

    internal void Exit(ServerCallContext context)
    {
        lock (_lock)
        {
            if (_calls.Remove(context, out var holdsDrain) && holdsDrain && --_holding == 0 && _draining)
            {
                _idle.TrySetResult();
            }
        }
    }

    private int Holding()
    {
        lock (_lock)
        {
            return _holding;
        }
    }

    private void ResetRemaining()
    {
        ServerCallContext[] remaining;
        lock (_lock)
        {
            remaining = [.. _calls.Keys];
        }

        foreach (var context in remaining)
        {
            try
            {
                context.GetHttpContext().Abort();
            }
            catch (InvalidOperationException)
            {
                // Not a call Kestrel serves (interceptor tests): there is no stream to reset.
            }
        }

        if (remaining.Length > 0)
        {
            LogReset(_logger, remaining.Length);
        }
    }

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###} s");

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: new calls are refused; {Running} running call(s) get {Grace} to finish")]
    private static partial void LogDraining(ILogger logger, int running, string grace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down: the grace period ({Grace}) is over; ending {Running} call(s) with UNAVAILABLE")]
    private static partial void LogGraceOver(ILogger logger, string grace, int running);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down: reset {Count} call(s) that were still open")]
    private static partial void LogReset(ILogger logger, int count);
}
