using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Detaching is no way around the per-caller job limit: a detached job holds its caller's slot until it ends.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DetachedJobLimitTests(GatewayServer server)
{
    private const int Limit = 4; // GatewayOptions.MaxConcurrentJobsPerCaller's default, which the test gateway keeps

    [Fact]
    public async Task Detached_jobs_count_towards_the_callers_limit_until_they_finish()
    {
        var content = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 48, 32))).ToList();
        var painting = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Painting("mondrian", 48, 48)), ImagePart.Style, "m").ToList();
        var ids = new List<string>();
        try
        {
            for (var i = 0; i < Limit; i++)
            {
                var id = $"limit-{Guid.NewGuid():N}"[..30];
                using var cancel = new CancellationTokenSource();
                using var call = server.Render.Render(GatewayServer.OtherKey, cancellationToken: cancel.Token);
                await RenderCalls.SendAsync(call.RequestStream, RenderCalls.LongDetachedOptimisation(id), [.. content, .. painting]);
                Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
                Assert.Equal(id, call.ResponseStream.Current.Accepted.JobId);
                ids.Add(id);
                await cancel.CancelAsync(); // the caller goes away; the job runs on
            }

            var refused = await RenderCalls.ExpectFailure(
                () => RenderCalls.RenderAsync(server.Render, RenderCalls.LongDetachedOptimisation($"limit-{Guid.NewGuid():N}"[..30]), [.. content, .. painting], GatewayServer.OtherKey),
                StatusCode.ResourceExhausted);
            Assert.Equal("TOO_MANY_JOBS", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
        finally
        {
            foreach (var id in ids)
            {
                await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = id }, GatewayServer.OtherKey);
            }
        }

        // Once the detached jobs have ended, their slots are free again.
        var outcome = await RenderCalls.RenderOnceAdmittedAsync(
            server.Render, RenderCalls.MultiHeader(), content, GatewayServer.OtherKey, "a render of the caller whose detached jobs were cancelled");
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
    }
}
