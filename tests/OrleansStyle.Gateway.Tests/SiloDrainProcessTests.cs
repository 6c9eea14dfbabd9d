using System.Text.RegularExpressions;
using Grpc.Net.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// What Kubernetes does to a silo on scale-down, with real processes: Redis, two standalone silos and a gateway; one
/// silo gets SIGTERM (or Ctrl+C) in the middle of a render. It finishes the tiles it took, takes no more, leaves the
/// cluster and exits 0; the render completes on the other silo without a failed tile.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class SiloDrainProcessTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_silo_stopped_mid_render_drains_leaves_and_exits_0_while_the_render_completes(string signal)
    {
        await using var farm = new ProcessFarm(redis, "drain");
        var latency = TimeSpan.FromMilliseconds(300);
        var started = await farm.StartSilosAsync(("sim:0", latency), ("sim:0", latency));
        var (first, second) = (started[0].Process, started[1].Process);
        var silos = await farm.StartGatewayAsync(2);
        var gateway = farm.Gateway;
        var management = farm.Management;
        using var channel = GrpcChannel.ForAddress(gateway.Address);
        var header = RenderCalls.MultiHeader();
        header.TileSize = 128;
        header.JobId = $"drained-{Guid.NewGuid():N}";
        var photo = GatewayFixtures.Photo("yellow_flower", 512, 384);

        var render = RenderCalls.RenderAsync(new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(photo)));
        // The silo that does not coordinate the job leaves (a coordinator's silo is the durable jobs' test).
        var coordinator = await Eventually.Until<SiloAddress?>(
            () => management.GetActivationAddress(gateway.Grains.GetGrain<IRenderJobGrain>(header.JobId)).AsTask(), a => a is not null, "the job's coordinator", ProcessFarm.Startup);
        var leavingAddress = silos.Keys.Single(s => !s.Equals(coordinator));
        var leaving = leavingAddress.Endpoint.Port == started[0].Port ? first : second;
        var worker = gateway.Grains.GetGrain<IDeviceWorkerGrain>(new WorkerAddress(leavingAddress.ToParsableString(), "sim:0").Key);
        var held = await Eventually.Until(() => worker.GetLoad(), l => l.TilesRendered > 0 && l.Queued > 0, "tiles rendered and queued on the leaving silo", ProcessFarm.Startup);
        await leaving.SignalAsync(signal);

        RenderOutcome outcome;
        try
        {
            outcome = await render;
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                $"The render failed after {leavingAddress} (not the coordinator's {coordinator}) was stopped:\n--- leaving silo:\n{leaving.Output}\n--- other silo:\n{(leaving == first ? second : first).Output}", exception);
        }

        var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        Assert.Equal(photo.Data, GatewayFixtures.Decode(outcome.Result).Data); // simulated devices return their input: every tile in its place
        Assert.True(outcome.Summary.Job.Retries == 0, $"{outcome.Summary.Job.Retries} tiles failed; the leaving silo held {held.Queued}:\n{leaving.Output}");
        Assert.True(exitCode == 0, $"the silo exited {exitCode}:\n{leaving.Output}");
        await leaving.WaitForLineAsync(Drained(), TimeSpan.FromSeconds(1)); // printed before it exited
        Assert.False((leaving == first ? second : first).HasExited, "the other silo stopped too");
    }

    [GeneratedRegex("Drained: every accepted tile finished|handed back")]
    private static partial Regex Drained();
}
