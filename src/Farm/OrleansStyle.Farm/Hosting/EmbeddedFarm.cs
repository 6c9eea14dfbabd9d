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
    private readonly string _spool;

    private EmbeddedFarm(IHost host, string spool)
    {
        _host = host;
        _spool = spool;
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
        LogLevel logLevel = LogLevel.Warning,
        CancellationToken cancellationToken = default)
    {
        // Its own spool folder: nothing in this process outlives it (job state is in memory), so it goes on dispose.
        var spool = Path.Combine(Path.GetTempPath(), "orleansstyle-spool", $"embedded-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(FreePort(), FreePort())
            .AddRenderFarm(devices: devices, models: models, jobs: jobs, training: training, spool: s => s.Path ??= spool, video: video));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new EmbeddedFarm(host, spool);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        if (Directory.Exists(_spool))
        {
            Directory.Delete(_spool, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
