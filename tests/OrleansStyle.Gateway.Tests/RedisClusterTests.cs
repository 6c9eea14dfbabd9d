using System.Globalization;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Silo;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// The production shape: standalone silos (<c>orleans-style-silo</c>, configured only by settings) meeting in a Redis
/// membership table, and a gateway that finds them there (<c>serve --redis</c>).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class RedisClusterTests : IClassFixture<RedisServer>
{
    private readonly RedisServer _redis;

    public RedisClusterTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task Standalone_silos_join_through_redis_and_a_gateway_renders_on_all_of_them()
    {
        var clusterId = $"test-{Guid.NewGuid():N}";
        var styles = Directory.CreateTempSubdirectory("orleansstyle-redis-styles-");
        await File.WriteAllBytesAsync(Path.Combine(styles.FullName, "scream.png"), GatewayFixtures.Encode(GatewayFixtures.Painting("the_scream", 64, 80)));
        using var first = FarmSiloHost.Build(SiloArgs(clusterId, "sim:0"));
        using var second = FarmSiloHost.Build(SiloArgs(clusterId, "sim:0"));
        await first.StartAsync();
        await second.StartAsync();
        try
        {
            using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var gateway = await GatewayHost.StartAsync(
                new GatewayHostOptions
                {
                    RedisMembership = _redis.ConnectionString,
                    ClusterId = clusterId,
                    Models = m => m.Directory = GatewayFixtures.ModelDirectory,
                    Gateway = g =>
                    {
                        g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey };
                        g.AllowModelChanges = true;
                        g.StyleDirectory = styles.FullName;
                    },
                },
                connecting.Token);
            using var channel = GrpcChannel.ForAddress(gateway.Address);


            var header = RenderCalls.MultiHeader();
            header.TileSize = 128;
            var outcome = await RenderCalls.RenderAsync(
                new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 512, 384))));

            Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);

            // Simulated devices cannot train: the operator is told so, not asked to retry.
            var training = await RenderCalls.ExpectFailure(
                async () => await new Training.TrainingClient(channel).StartTrainingAsync(
                    new StartTrainingRequest { ModelName = $"never-{Guid.NewGuid():N}", Kind = TrainingKind.Single, Styles = { "scream" }, Steps = 1 }, GatewayServer.Key),
                Grpc.Core.StatusCode.FailedPrecondition);
            Assert.Contains("simulated", training.Status.Detail, StringComparison.Ordinal);
            var directory = first.Services.GetRequiredService<WorkerDirectory>();
            var workers = directory.ActiveWorkers();
            Assert.Equal(2, workers.Select(w => w.Silo).Distinct().Count());
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            foreach (var worker in workers)
            {
                var load = await grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad();
                Assert.True(load.TilesRendered > 0, $"worker {worker.Key} rendered no tile of {outcome.Summary.Job.TilesTotal}");
            }
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
            styles.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_silo_configured_for_redis_without_a_connection_string_is_refused_with_the_setting_to_fix()
    {
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => FarmSiloHost.Build(["--OrleansStyle:Cluster:Membership=Redis"]));
        Assert.Contains("OrleansStyle:Cluster:Redis", failure.Message, StringComparison.Ordinal);
    }

    private string[] SiloArgs(string clusterId, string device) =>
    [
        "--OrleansStyle:Cluster:Membership=Redis",
        $"--OrleansStyle:Cluster:Redis={_redis.ConnectionString}",
        $"--OrleansStyle:Cluster:ClusterId={clusterId}",
        "--OrleansStyle:Cluster:AdvertisedAddress=127.0.0.1",
        $"--OrleansStyle:Cluster:SiloPort={RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}",
        $"--OrleansStyle:Cluster:GatewayPort={RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}",
        $"--OrleansStyle:Devices:Devices:0={device}",
        $"--OrleansStyle:Models:Directory={GatewayFixtures.ModelDirectory}",
        "--Logging:LogLevel:Default=Warning",
    ];
}
