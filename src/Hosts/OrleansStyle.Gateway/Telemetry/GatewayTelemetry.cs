using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrleansStyle.Farm.Telemetry;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.Security;

namespace OrleansStyle.Gateway.Telemetry;

/// <summary>
/// A gateway's telemetry: OpenTelemetry (<see cref="FarmTelemetry"/>) plus gRPC request counts, <c>/metrics</c> for
/// Prometheus and the Orleans Dashboard at <c>/dashboard</c>, both on their own HTTP/1.1 listener
/// (<see cref="TelemetryOptions.Port"/>). Call <see cref="AddGatewayTelemetry"/> after Orleans and the gateway's
/// services are configured, and <see cref="MapGatewayTelemetry"/> before the gateway's endpoints.
/// </summary>
public static partial class GatewayTelemetry
{
    public static WebApplicationBuilder AddGatewayTelemetry(this WebApplicationBuilder builder, GatewayHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(host);
        var options = FarmTelemetry.ReadOptions(builder.Configuration, host.Telemetry);
        builder.Services.AddFarmTelemetry(
            options,
            "orleans-style-gateway",
            metrics => metrics.AddMeter(RequestMetricsInterceptor.MeterName).AddPrometheusExporter(),
            tracing => tracing.AddAspNetCoreInstrumentation());

        var endpoint = new TelemetryEndpoint();
        builder.Services.AddSingleton(endpoint);
        builder.Services.AddSingleton<ApiKeyRing>();
        if (options.Listens)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(host.ListenAddress, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoint.Bind(listen);
            }));
        }

        builder.Services.AddSingleton<RequestMetricsInterceptor>();
        builder.Services.Configure<GrpcServiceOptions>(grpc =>
        {
            // Outermost, so it counts the status callers get once errors are mapped.
            grpc.Interceptors.Add<RequestMetricsInterceptor>();
            var registration = grpc.Interceptors[^1];
            grpc.Interceptors.RemoveAt(grpc.Interceptors.Count - 1);
            grpc.Interceptors.Insert(0, registration);
        });

        // A second UseOrleans/UseOrleansClient configures the builder the host made, it does not make another.
        if (host.IsEmbedded)
        {
            builder.UseOrleans(silo =>
            {
                silo.AddActivityPropagation();
                if (options.Dashboard)
                {
                    silo.AddDashboard();
                }
            });
        }
        else
        {
            builder.UseOrleansClient(client =>
            {
                client.AddActivityPropagation();
                if (options.Dashboard)
                {
                    client.AddDashboard();
                }
            });
        }

        return builder;
    }

    public static WebApplication MapGatewayTelemetry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoint = app.Services.GetRequiredService<TelemetryEndpoint>();
        var options = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == "/metrics" && endpoint.Serves(context));
        if (options.Dashboard)
        {
            app.UseMiddleware<DashboardAccess>();
            app.MapOrleansDashboard(routePrefix: DashboardAccess.Path);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayTelemetry));
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (endpoint.Address is { } address)
            {
                LogListening(logger, address, options.Dashboard ? $", dashboard at {address}dashboard" : "");
            }
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics at {Address}metrics{Dashboard}")]
    private static partial void LogListening(ILogger logger, Uri address, string dashboard);
}
