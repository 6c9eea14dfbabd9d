using System.Net;

namespace OrleansStyle.Farm.Hosting;

/// <summary>How silos find each other and clients find silos (<c>OrleansStyle:Cluster</c>).</summary>
public sealed class FarmClusterOptions
{
    public const string Section = "OrleansStyle:Cluster";

    /// <summary><see cref="FarmMembership.Localhost"/> for one machine, <see cref="FarmMembership.Redis"/> for a real cluster.</summary>
    public FarmMembership Membership { get; set; } = FarmMembership.Localhost;

    /// <summary>StackExchange.Redis connection string of the membership table, e.g. <c>redis:6379</c>.</summary>
    public string? Redis { get; set; }

    public string ClusterId { get; set; } = "default";

    public string ServiceId { get; set; } = "default";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (gateways) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; unset: this machine's first non-loopback IPv4 address.</summary>
    public string? AdvertisedAddress { get; set; }

    public IPAddress ResolveAdvertisedAddress()
    {
        if (AdvertisedAddress is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }

        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}

public enum FarmMembership
{
    /// <summary>One silo on this machine (development).</summary>
    Localhost,

    /// <summary>A membership table in Redis: any number of silos and clients.</summary>
    Redis,
}
