using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Tests;

/// <summary>
/// An in-process cluster of silos, each with its own device settings (silo 0 is the primary). Jobs are
/// submitted through silo 0's grain factory, so coordinators live there and worker silos can be killed safely.
/// </summary>
internal sealed class FarmCluster : IAsyncDisposable
{
    private readonly bool _ownsSpool;

    private FarmCluster(InProcessTestCluster cluster, string spoolPath, bool ownsSpool)
    {
        Cluster = cluster;
        SpoolPath = spoolPath;
        _ownsSpool = ownsSpool;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The spool folder every silo of this cluster shares (as a cluster's ReadWriteMany volume).</summary>
    public string SpoolPath { get; }

    public IGrainFactory Grains => Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    /// <param name="redis">Keep coordinators' state and reminders in this Redis, as clusters do; null: in memory.</param>
    public static async Task<FarmCluster> StartAsync(
        IReadOnlyList<Action<DeviceOptions>> silos,
        Action<JobOptions>? jobs = null,
        string? redis = null,
        Action<Training.FarmTrainingOptions>? training = null,
        Action<int, ISiloBuilder>? configure = null,
        Action<Video.VideoOptions>? video = null,
        string? spoolPath = null)
    {
        // A caller's spool outlives the cluster (a farm restarted on the same volume); otherwise the cluster owns one.
        var ownsSpool = spoolPath is null;
        spoolPath ??= Path.Combine(Path.GetTempPath(), $"orleansstyle-farm-spool-{Guid.NewGuid():N}");
        var builder = new InProcessTestClusterBuilder((short)silos.Count);
        builder.ConfigureSilo((options, silo) =>
        {
            var index = options.SiloName == "Primary" ? 0 : int.Parse(options.SiloName[(options.SiloName.LastIndexOf('_') + 1)..], CultureInfo.InvariantCulture);
            if (redis is not null)
            {
                silo.UseRedisJobStorage(redis);
            }

            silo.AddRenderFarm(
                devices: silos[index],
                models: m => m.Directory = FarmFixtures.ModelDirectory,
                jobs: j =>
                {
                    j.TileSize = 96;
                    j.Overlap = 24;
                    j.ContextMargin = 24;
                    jobs?.Invoke(j);
                },
                training: training,
                spool: s => s.Path = spoolPath,
                video: video);
            configure?.Invoke(index, silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.WaitForLivenessToStabilizeAsync();
        return new FarmCluster(cluster, spoolPath, ownsSpool);
    }

    public static Action<DeviceOptions> Devices(params string[] devices) => options => options.Devices = [.. devices];

    public static Action<DeviceOptions> NoDevices => options => options.Announce = false;

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_ownsSpool && Directory.Exists(SpoolPath))
        {
            Directory.Delete(SpoolPath, recursive: true);
        }
    }
}
