using System.Globalization;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Settings of a standalone silo process (<c>orleans-style-silo</c>) in a test's Redis cluster.</summary>
internal static class StandaloneSiloArgs
{
    /// <param name="device">A device to serve (<c>sim:0</c> with <paramref name="latency"/> per tile), or null for a coordinator silo without devices.</param>
    public static string[] For(RedisServer redis, string clusterId, int siloPort, string? device, TimeSpan latency) =>
    [
        "--OrleansStyle:Cluster:Membership=Redis",
        $"--OrleansStyle:Cluster:Redis={redis.ConnectionString}",
        $"--OrleansStyle:Cluster:ClusterId={clusterId}",
        "--OrleansStyle:Cluster:AdvertisedAddress=127.0.0.1",
        $"--OrleansStyle:Cluster:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
        $"--OrleansStyle:Cluster:GatewayPort={RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}",
        .. device is null
            ? (string[])["--OrleansStyle:Devices:Announce=false"]
            : [$"--OrleansStyle:Devices:Devices:0={device}", "--OrleansStyle:Devices:MaxBatch=1", $"--OrleansStyle:Devices:SimulatedLatency={latency.ToString("c", CultureInfo.InvariantCulture)}"],
        $"--OrleansStyle:Models:Directory={GatewayFixtures.ModelDirectory}",
        "--OrleansStyle:Telemetry:Port=0",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:OrleansStyle=Information",
    ];
}
