using System.Text.RegularExpressions;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// A farm of real processes, as a cluster runs it: standalone silos (<c>orleans-style-silo</c>) in a Redis cluster of
/// their own, and a gateway in the test process that is an Orleans client of them. Disposing it stops the gateway and
/// kills every silo process it started (restarted ones included).
/// </summary>
internal sealed partial class ProcessFarm(RedisServer redis, string name) : IAsyncDisposable
{
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    private readonly List<ProgramProcess> _processes = [];

    public string ClusterId { get; } = $"{name}-{Guid.NewGuid():N}";

    /// <summary>The gateway, once <see cref="StartGatewayAsync"/> has run.</summary>
    public GatewayHost Gateway { get; private set; } = null!;

    public IManagementGrain Management => Gateway.Grains.GetGrain<IManagementGrain>(0);

    /// <summary>Starts silos side by side and waits until every one is up.</summary>
    /// <param name="silos">Per silo, a device to serve (<c>sim:0</c> with the latency per tile), or null for a coordinator silo without devices.</param>
    public async Task<Silo[]> StartSilosAsync(params (string? Device, TimeSpan Latency)[] silos)
    {
        var started = silos.Select(spec =>
        {
            var port = RedisServer.FreePort();
            var arguments = StandaloneSiloArgs.For(redis, ClusterId, port, spec.Device, spec.Latency);
            return new Silo(port, arguments, Start(arguments));
        }).ToArray();
        foreach (var silo in started)
        {
            await silo.Process.WaitForLineAsync(SiloUp(), Startup);
        }

        return started;
    }

    /// <summary>Starts a silo again on the same ports and settings (after it exited or was killed) and waits until it is up.</summary>
    public async Task<Silo> RestartAsync(Silo silo)
    {
        var again = silo with { Process = Start(silo.Arguments) };
        await again.Process.WaitForLineAsync(SiloUp(), Startup);
        return again;
    }

    /// <summary>Starts the gateway and waits until the cluster it sees has <paramref name="silos"/> active silos.</summary>
    public async Task<Dictionary<SiloAddress, SiloStatus>> StartGatewayAsync(int silos)
    {
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Gateway = await GatewayHost.StartAsync(
            new GatewayHostOptions
            {
                RedisMembership = redis.ConnectionString,
                ClusterId = ClusterId,
                Models = m => m.Directory = GatewayFixtures.ModelDirectory,
                Gateway = g => g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey },
            },
            connecting.Token);
        return await Eventually.Until(() => Management.GetHosts(onlyActive: true), h => h.Count == silos, $"{silos} silos active", Startup);
    }

    public async ValueTask DisposeAsync()
    {
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    private ProgramProcess Start(string[] arguments)
    {
        var process = ProgramProcess.Silo(arguments);
        _processes.Add(process);
        return process;
    }

    [GeneratedRegex("Farm silo up")]
    private static partial Regex SiloUp();

    /// <summary>A silo process: its silo port (which names it in the cluster), its settings and the process.</summary>
    internal sealed record Silo(int Port, string[] Arguments, ProgramProcess Process);
}
