namespace OrleansStyle.Farm.Telemetry;

/// <summary>
/// Metrics and traces of a gateway or silo. Bound from <c>OrleansStyle:Telemetry</c>. Prometheus scrapes
/// <c>/metrics</c> (and browsers open a gateway's <c>/dashboard</c>) on <see cref="Port"/>, an HTTP/1.1 listener of its
/// own: the cleartext gRPC port speaks only HTTP/2, which neither Prometheus nor browsers use without TLS.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "OrleansStyle:Telemetry";

    /// <summary>Port of the HTTP/1.1 listener for <c>/metrics</c> and <c>/dashboard</c>: 0 = a free port (logged at start), -1 = none.</summary>
    public int Port { get; set; }

    /// <summary>An OTLP collector (<c>http://otel-collector:4317</c>): traces and metrics are pushed there too. Unset = no traces are kept.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>How to speak to <see cref="OtlpEndpoint"/>: <c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Run the Orleans Dashboard (silos collect its grain statistics; gateways serve it at <c>/dashboard</c>).</summary>
    public bool Dashboard { get; set; } = true;

    public bool Listens => Port >= 0;
}
