using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansStyle.Farm.Devices;

namespace OrleansStyle.Farm.Telemetry;

/// <summary>
/// OpenTelemetry for a gateway or silo: the farm's meter, Orleans' <c>Microsoft.Orleans</c>, ASP.NET Core and Kestrel
/// (their request durations carry the gRPC method and status) and the runtime's <c>System.Runtime</c>; traces of
/// Orleans calls (one trace per job: the gateway call, the coordinator, each tile on its worker) go to OTLP when an
/// endpoint is configured. The hosts add the Prometheus exporter and the HTTP listener.
/// </summary>
public static class FarmTelemetry
{
    /// <summary>Meters every host exports, besides what <c>configureMetrics</c> adds.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        FarmMetrics.MeterName,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    /// <summary>Orleans' activity sources: a grain call is a span, parented by its caller's.</summary>
    public static readonly IReadOnlyList<string> Sources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Reads and validates <c>OrleansStyle:Telemetry</c> now: the listener is set up before the host is built.</summary>
    public static TelemetryOptions ReadOptions(IConfiguration configuration, Action<TelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.Section).Bind(options);
        configure?.Invoke(options);
        var validation = new TelemetryOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(TelemetryOptions), typeof(TelemetryOptions), validation.Failures);
        }

        return options;
    }

    public static IServiceCollection AddFarmTelemetry(
        this IServiceCollection services,
        TelemetryOptions options,
        string serviceName,
        Action<MeterProviderBuilder>? configureMetrics = null,
        Action<TracerProviderBuilder>? configureTracing = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(Options.Create(options));
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. Meters]);
                configureMetrics?.Invoke(metrics);
                if (options.OtlpEndpoint is not null)
                {
                    metrics.AddOtlpExporter(otlp => Configure(otlp, options, "v1/metrics"));
                }
            });

        // Without a collector nobody reads spans: leave them unsampled rather than build and drop them.
        if (options.OtlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource([.. Sources]);
                configureTracing?.Invoke(tracing);
                tracing.AddOtlpExporter(otlp => Configure(otlp, options, "v1/traces"));
            });
        }

        return services;
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetryOptions options, string signalPath)
    {
        // Over HTTP an endpoint set in code is used as given, so each signal needs its own path.
        var endpoint = options.OtlpEndpoint!;
        otlp.Protocol = options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        otlp.Endpoint = otlp.Protocol == OtlpExportProtocol.Grpc
            ? endpoint
            : new Uri(new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/"), signalPath);
    }
}
