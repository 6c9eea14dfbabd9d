using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;

namespace OrleansStyle.Farm.Hosting;

/// <summary>
/// The embedded default: one silo in this process on localhost (free ports), with this machine's devices and a
/// model folder — what the CLI, benchmarks and a laptop use instead of a cluster.
/// </summary>
public sealed class EmbeddedFarm : IAsyncDisposable
{
    private readonly IHost _host;

    private EmbeddedFarm(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<EmbeddedFarm> StartAsync(
        Action<DeviceOptions>? devices = null,
        Action<ModelRegistryOptions>? models = null,
        Action<JobOptions>? jobs = null,
        Action<Training.FarmTrainingOptions>? training = null,
        Action<Video.VideoOptions>? video = null,
        Action<Spool.SpoolOptions>? spool = null,
        LogLevel logLevel = LogLevel.Warning,
        CancellationToken cancellationToken = default)
    {
        // The spool is OrleansStyle:Spool:Path, else the same folder for every process of this user: a video job
        // killed with its CLI resumes by job id from the frames a previous process spooled there. Jobs delete their
        // items when their result is collected; what crashed processes leave is swept after the spool's retention.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort(), FreePort())
            .AddRenderFarm(devices: devices, models: models, jobs: jobs, training: training, spool: spool, video: video));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedFarm(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
