using Grpc.Net.Client;
using OrleansStyle.Farm.Jobs;
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
    [Fact]
    public async Task Killing_the_coordinators_silo_mid_render_costs_the_caller_a_reconnect_not_the_job()
    {
        await using var farm = new ProcessFarm(redis, "crash");
        var silos = await farm.StartSilosAsync((null, TimeSpan.Zero), ("sim:0", TimeSpan.FromMilliseconds(200)));
        var coordinator = silos[0];
        await farm.StartGatewayAsync(2);
        using var channel = GrpcChannel.ForAddress(farm.Gateway.Address);
        var header = RenderCalls.MultiHeader();
        header.TileSize = 128;
        header.JobId = $"crashed-{Guid.NewGuid():N}";
        var photo = GatewayFixtures.Photo("garden", 384, 256);

        var render = RenderCalls.RenderAsync(new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(photo)));
        var job = farm.Gateway.Grains.GetGrain<IRenderJobGrain>(header.JobId);
        await Eventually.Until(() => TilesDone(job), done => done > 0, "a tile done", ProcessFarm.Startup);
        var host = await farm.Management.GetActivationAddress(job);
        Assert.True(host?.Endpoint.Port == coordinator.Port, $"the coordinator runs on {host}, not on the silo without devices");
        await coordinator.Process.SignalAsync("KILL");
        Assert.NotEqual(0, await coordinator.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await farm.RestartAsync(coordinator);

        var outcome = await render;

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        Assert.Equal(photo.Data, GatewayFixtures.Decode(outcome.Result).Data); // simulated devices return their input
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
