using Grpc.Net.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// The bounded form of bench/chaos (issue 12): real processes, Redis, a coordinator silo and a device silo, one small
/// job; the coordinator's silo gets kill -9 mid-render and is started again. The caller sees a reconnect, not an error,
/// and the job completes with every tile in its place.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CoordinatorCrashProcessTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_the_coordinators_silo_mid_render_costs_the_caller_a_reconnect_not_the_job()
    {
        var clusterId = $"crash-{Guid.NewGuid():N}";
        var coordinatorPort = RedisServer.FreePort();
        var coordinatorArgs = StandaloneSiloArgs.For(redis, clusterId, coordinatorPort, null, TimeSpan.Zero);
        var coordinator = ProgramProcess.Silo(coordinatorArgs);
        await using var device = ProgramProcess.Silo(StandaloneSiloArgs.For(redis, clusterId, RedisServer.FreePort(), "sim:0", TimeSpan.FromMilliseconds(200)));
        ProgramProcess? restarted = null;
        try
        {
            await coordinator.WaitForLineAsync(SiloDrainProcessTests.SiloUp(), Startup);
            await device.WaitForLineAsync(SiloDrainProcessTests.SiloUp(), Startup);
            using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var gateway = await GatewayHost.StartAsync(
                new GatewayHostOptions
                {
                    RedisMembership = redis.ConnectionString,
                    ClusterId = clusterId,
                    Models = m => m.Directory = GatewayFixtures.ModelDirectory,
                    Gateway = g => g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey },
                },
                connecting.Token);
            var management = gateway.Grains.GetGrain<IManagementGrain>(0);
            await Eventually.Until(() => management.GetHosts(onlyActive: true), h => h.Count == 2, "both silos active", Startup);
            using var channel = GrpcChannel.ForAddress(gateway.Address);
            var header = RenderCalls.MultiHeader();
            header.TileSize = 128;
            header.JobId = $"crashed-{Guid.NewGuid():N}";
            var photo = GatewayFixtures.Photo("garden", 384, 256);

            var render = RenderCalls.RenderAsync(new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(photo)));
            var job = gateway.Grains.GetGrain<IRenderJobGrain>(header.JobId);
            await Eventually.Until(() => TilesDone(job), done => done > 0, "a tile done", Startup);
            var host = await management.GetActivationAddress(job);
            Assert.True(host?.Endpoint.Port == coordinatorPort, $"the coordinator runs on {host}, not on the silo without devices");
            await coordinator.SignalAsync("KILL");
            Assert.NotEqual(0, await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            restarted = ProgramProcess.Silo(coordinatorArgs);
            await restarted.WaitForLineAsync(SiloDrainProcessTests.SiloUp(), Startup);

            var outcome = await render;

            Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
            Assert.Equal(photo.Data, GatewayFixtures.Decode(outcome.Result).Data); // simulated devices return their input
        }
        finally
        {
            await coordinator.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    /// <summary>Tiles done so far; 0 while the gateway has not submitted the job yet.</summary>
    private static async Task<int> TilesDone(IRenderJobGrain job)
    {
        try
        {
            return (await job.GetStatus()).TilesDone;
        }
        catch (JobNotFoundException)
        {
            return 0;
        }
    }
}
