using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Farm.Admission;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// The farm-wide cap on running renders holds across callers, with detached jobs counted until they end: each
/// caller is far below its own limit, yet the farm refuses a third render when its cap is two.
/// </summary>
public sealed class FarmCapTests : IAsyncLifetime
{
    private const int Cap = 2;
    private readonly GatewayServer server = new(requestsPerMinute: null, maxActiveRenders: Cap);

    public Task InitializeAsync() => server.InitializeAsync();

    public Task DisposeAsync() => server.DisposeAsync();

    [Fact]
    public async Task The_farm_refuses_renders_past_its_cap_whoever_sends_them_and_admits_again_once_one_ends()
    {
        var content = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 48, 32))).ToList();
        var painting = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Painting("mondrian", 48, 48)), ImagePart.Style, "m").ToList();
        var running = new List<(string Id, Metadata Key)>();
        try
        {
            foreach (var key in new[] { GatewayServer.Key, GatewayServer.OtherKey })
            {
                var id = $"cap-{Guid.NewGuid():N}"[..30];
                using var cancel = new CancellationTokenSource();
                using var call = server.Render.Render(key, cancellationToken: cancel.Token);
                await RenderCalls.SendAsync(call.RequestStream, RenderCalls.LongDetachedOptimisation(id), [.. content, .. painting]);
                Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
                Assert.Equal(id, call.ResponseStream.Current.Accepted.JobId);
                running.Add((id, key));
                await cancel.CancelAsync(); // detached: the job runs on and keeps its farm slot
            }

            Assert.Equal(Cap, await server.Grains.GetGrain<IFarmAdmissionGrain>(IFarmAdmissionGrain.Key).ActiveJobs());
            var refused = await RenderCalls.ExpectFailure(
                () => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), content, GatewayServer.Key),
                StatusCode.ResourceExhausted);
            Assert.Equal("FARM_BUSY", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
            Assert.Contains("MaxActiveRenders", refused.Status.Detail, StringComparison.Ordinal);

            // Only one of them ends: the farm has room for exactly one more.
            var (firstId, firstKey) = running[0];
            await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = firstId }, firstKey);
            running.RemoveAt(0);
            var outcome = await RenderCalls.RenderOnceAdmittedAsync(
                server.Render, RenderCalls.MultiHeader(), content, GatewayServer.Key, "a render once one of the farm's running jobs was cancelled");
            Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        }
        finally
        {
            foreach (var (id, key) in running)
            {
                await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = id }, key);
            }
        }

        // Finished renders gave their slots back: the farm counts only what still runs.
        await Eventually.Until(
            () => server.Grains.GetGrain<IFarmAdmissionGrain>(IFarmAdmissionGrain.Key).ActiveJobs(),
            active => active == 0,
            "the farm's running-render count to fall back to zero");
    }
}
