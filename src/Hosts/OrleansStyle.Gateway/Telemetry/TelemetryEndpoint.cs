using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansStyle.Gateway.Telemetry;

/// <summary>
/// The HTTP/1.1 listener that serves <c>/metrics</c> and <c>/dashboard</c>, apart from the gRPC port (cleartext gRPC is
/// HTTP/2 only, which Prometheus and browsers do not speak without TLS). Those paths answer only here.
/// </summary>
public sealed class TelemetryEndpoint
{
    private ListenOptions? _listen;

    /// <summary>Where <c>/metrics</c> is, with the actual port once the server has started; null when there is no listener.</summary>
    public Uri? Address => _listen?.IPEndPoint is { } endpoint
        ? new Uri($"http://{(IPAddress.Any.Equals(endpoint.Address) || IPAddress.IPv6Any.Equals(endpoint.Address) ? "localhost" : endpoint.Address.ToString())}:{endpoint.Port}")
        : null;

    internal void Bind(ListenOptions listen) => _listen = listen;

    /// <summary>Whether <paramref name="context"/> came in on this listener.</summary>
    public bool Serves(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _listen?.IPEndPoint is { } endpoint && context.Connection.LocalPort == endpoint.Port;
    }
}
