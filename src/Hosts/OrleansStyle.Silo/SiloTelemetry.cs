using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OrleansStyle.Farm.Telemetry;

namespace OrleansStyle.Silo;

/// <summary>
/// A silo's telemetry: OpenTelemetry (<see cref="FarmTelemetry"/>) and <c>/metrics</c> on a minimal HTTP/1.1 Kestrel
/// listener (<see cref="TelemetryOptions.Port"/>), where Prometheus and the autoscaler read queue depth; the dashboard's
/// collectors, so gateways can show this silo; Orleans' trace propagation.
/// </summary>
public static class SiloTelemetry
{
    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = FarmTelemetry.ReadOptions(builder.Configuration);
        if (!options.Listens)
        {
            throw new OptionsValidationException(nameof(TelemetryOptions), typeof(TelemetryOptions),
                [$"{TelemetryOptions.Section}:Port is -1, but a silo always serves /metrics (the autoscaler reads its queue depth there): give a port, or 0 for a free one."]);
        }

        builder.Services.AddFarmTelemetry(options, "orleans-style-silo", metrics => metrics.AddPrometheusExporter());
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenAnyIP(options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation();
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }

    public static WebApplication MapSiloTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>Where a started silo serves <c>/metrics</c>, with the actual port.</summary>
    public static Uri MetricsAddress(IHost silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var bound = silo.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The silo's metrics listener has not started.");
        return new Uri(new Uri(bound.Replace("0.0.0.0", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal)), "/metrics");
    }
}
