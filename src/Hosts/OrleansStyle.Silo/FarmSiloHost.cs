using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Draining;
using OrleansStyle.Farm.Hosting;

namespace OrleansStyle.Silo;

/// <summary>
/// A farm silo configured from <c>appsettings.json</c>, environment variables (<c>OrleansStyle__Cluster__Redis</c>)
/// and command-line arguments (<c>--OrleansStyle:Devices:Devices:0=cuda:0</c>). Inside Kubernetes (the API server's
/// variables are set) it also uses Orleans' Kubernetes hosting: pod name and IP, and dead pods' silos removed. It
/// serves <c>/metrics</c> over HTTP/1.1 on <c>OrleansStyle:Telemetry:Port</c>. SIGTERM or Ctrl+C drains it
/// (<see cref="SiloDrain"/>: no new tiles, accepted ones finish within <c>OrleansStyle:Drain:GracePeriod</c> or go back to
/// their coordinators), then its grains deactivate, it leaves the cluster and exits 0.
/// </summary>
public static partial class FarmSiloHost
{
    public static IHost Build(string[] args, Action<IHostApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        var cluster = new FarmClusterOptions();
        builder.Configuration.GetSection(FarmClusterOptions.Section).Bind(cluster);
        var inKubernetes = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 }
            && Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 };
        // The host waits for the whole drain and the silo's exit; its default (30 s) would cut a drain short.
        var drain = new DrainOptions();
        builder.Configuration.GetSection(DrainOptions.Section).Bind(drain);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = drain.ShutdownTimeout);
        builder.UseOrleans(silo =>
        {
            silo.UseFarmClustering(cluster, configureEndpoints: !inKubernetes);
            if (inKubernetes)
            {
                silo.UseKubernetesHosting();
            }

            silo.AddRenderFarm(builder.Configuration);

            // Orleans' default directory (a DHT that re-homes entries after a membership change) can lose track of a
            // grain while a silo leaves: a call then creates a second activation, and a job's coordinator would be
            // rebuilt empty beside the live one ("There is no job"). The distributed directory hands its ranges over
            // consistently; Orleans' own test cluster runs on it, as the farm's in-process tests do. Every silo of a
            // cluster must use the same directory.
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10.4
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        });
        builder.AddSiloTelemetry();
        builder.Services.AddHostedService<StartupReport>();
        var app = builder.Build();
        app.MapSiloTelemetry();
        return app;
    }

    /// <summary>Says once, at start, what this silo offers: the first thing an operator looks for in its log.</summary>
    private sealed partial class StartupReport(DeviceServices devices, ILogger<StartupReport> logger, IConfiguration configuration) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            LogStarted(
                logger,
                string.Join(", ", devices.Devices.Select(d => d.Id)),
                configuration[$"{Farm.Models.ModelRegistryOptions.Section}:Directory"] ?? "models",
                configuration[$"{FarmClusterOptions.Section}:Membership"] ?? nameof(FarmMembership.Localhost));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Farm silo up: devices {Devices}, models in {Models}, membership {Membership}")]
        private static partial void LogStarted(ILogger logger, string devices, string models, string membership);
    }
}
