using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Telemetry;

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Port is < -1 or > 65535)
        {
            problems.Add($"{TelemetryOptions.Section}:Port is {options.Port}: give a TCP port (1-65535, 9464 is Prometheus' custom), 0 for a free one, or -1 for no /metrics listener.");
        }

        if (options.OtlpEndpoint is { } endpoint && (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https")))
        {
            problems.Add($"{TelemetryOptions.Section}:OtlpEndpoint is '{endpoint}': give the collector's absolute http:// or https:// address, such as http://otel-collector:4317, or leave it unset.");
        }

        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            problems.Add($"{TelemetryOptions.Section}:OtlpProtocol is '{options.OtlpProtocol}': use grpc (port 4317) or http/protobuf (port 4318).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
