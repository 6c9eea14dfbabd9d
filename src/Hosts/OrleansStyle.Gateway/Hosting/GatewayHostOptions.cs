using System.Net;
using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Hosting;

/// <summary>How <see cref="GatewayHost"/> listens and reaches the farm.</summary>
public sealed class GatewayHostOptions
{
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>0 picks a free port (tests); see <see cref="GatewayHost.Address"/>.</summary>
    public int Port { get; set; }

    /// <summary>Silo gateway endpoints of a real cluster; empty (and no <see cref="RedisMembership"/>) runs the embedded default, a silo in this process.</summary>
    public IReadOnlyList<IPEndPoint> ClusterGateways { get; set; } = [];

    /// <summary>A real cluster's Redis membership table (connection string, e.g. <c>redis:6379</c>): the gateway finds every silo there.</summary>
    public string? RedisMembership { get; set; }

    /// <summary>Orleans' localhost clustering default, so the embedded farm and a gateway client agree.</summary>
    public string ClusterId { get; set; } = "default";

    public string ServiceId { get; set; } = "default";

    /// <summary>A PFX/PKCS#12 certificate: serve TLS (HTTP/2 and HTTP/1.1 by ALPN). Null: cleartext HTTP/1.1 and prior-knowledge HTTP/2 on one port.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Command-line style configuration (<c>--OrleansStyle:Gateway:MaxMegapixels=32</c>) on top of environment variables.</summary>
    public IReadOnlyList<string> ConfigurationArgs { get; set; } = [];

    public Action<DeviceOptions>? Devices { get; set; }

    public Action<ModelRegistryOptions>? Models { get; set; }

    public Action<JobOptions>? Jobs { get; set; }

    public Action<GatewayOptions>? Gateway { get; set; }

    /// <summary>Training on the embedded silo's devices (where its training photos are).</summary>
    public Action<Farm.Training.FarmTrainingOptions>? Training { get; set; }

    /// <summary>Video job coordinators of the embedded silo (their frame spool, frames in flight).</summary>
    public Action<Farm.Video.VideoOptions>? Video { get; set; }

    /// <summary>Metrics, traces and the dashboard, after <c>OrleansStyle:Telemetry</c> from configuration.</summary>
    public Action<Farm.Telemetry.TelemetryOptions>? Telemetry { get; set; }

    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    public bool IsEmbedded => ClusterGateways.Count == 0 && RedisMembership is null;
}
