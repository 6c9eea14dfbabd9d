using Grpc.Core;
using OrleansStyle.Farm.Client;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Cancellation and deadlines reach the workers; detached jobs can be re-attached by id.</summary>
[Collection(GatewayCollection.Name)]
public sealed class JobControlTests(GatewayServer server)
{
    [Fact]
    public async Task Cancelling_the_call_cancels_the_job_and_the_worker_goes_idle()
    {
        var upload = GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 2048, 1536));
        using var cancel = new CancellationTokenSource();
        using var call = server.Render.Render(GatewayServer.Key, cancellationToken: cancel.Token);
        await RenderCalls.SendAsync(call.RequestStream, RenderCalls.MultiHeader(), RenderCalls.Chunks(upload));

        string? jobId = null;
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(cancel.Token))
            {
                var item = call.ResponseStream.Current;
                jobId ??= item.Accepted?.JobId;
                if (item.EventCase == RenderEvent.EventOneofCase.Progress)
                {
                    await cancel.CancelAsync(); // a tile is done: the job is running on the worker
                }
            }
        });
        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        Assert.NotNull(jobId);

        var job = await WaitForFinish(jobId);
        Assert.Equal(V1.JobState.Cancelled, job.State);
        Assert.True(job.TilesDone < job.TilesTotal, $"the job should stop early, but {job.TilesDone} of {job.TilesTotal} tiles were done");
        await AssertWorkersIdle();
    }

    [Fact]
    public async Task A_deadline_that_passes_stops_the_work_on_the_worker()
    {
        // 10,000 coarse and 10,000 refine iterations (a VGG forward and backward pass each) cannot finish within the
        // deadline on any device, so the deadline, not the machine's speed, decides how the call ends.
        var style = $"deadline-style-{Guid.NewGuid():N}";
        var header = new RenderHeader
        {
            JobId = $"deadline-{Guid.NewGuid():N}",
            Method = V1.RenderMethod.Optimize,
            CoarseIterations = 10_000,
            RefineIterations = 10_000,
            Regions = { new Region { Styles = { new StyleWeight { Name = style } } } },
        };
        var content = GatewayFixtures.Encode(GatewayFixtures.Photo("storm", 128, 96));
        var painting = GatewayFixtures.Encode(GatewayFixtures.Photo("dune", 96, 76));
        using var call = server.Render.Render(GatewayServer.Key, deadline: DateTime.UtcNow.AddSeconds(8));
        await RenderCalls.SendAsync(call.RequestStream, header, [.. RenderCalls.Chunks(content), .. RenderCalls.Chunks(painting, ImagePart.Style, style)]);
        string? accepted = null;
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                accepted ??= call.ResponseStream.Current.Accepted?.JobId;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        Assert.Equal(header.JobId, accepted);
        var job = await WaitForFinish(header.JobId);
        Assert.True(job.State is V1.JobState.Cancelled or V1.JobState.Failed, $"the job is {job.State}");
        Assert.True(job.TilesDone < job.TilesTotal, $"the job should stop early, but {job.TilesDone} of {job.TilesTotal} tiles were done");
        await AssertWorkersIdle();
    }

    [Fact]
    public async Task A_detached_job_can_be_reattached_by_id_after_the_client_disconnects()
    {
        var header = RenderCalls.MultiHeader(("style1", 1f));
        header.DetachOnDisconnect = true;
        header.JobId = $"detached-{Guid.NewGuid():N}";
        var upload = GatewayFixtures.Encode(GatewayFixtures.Photo("storm", 768, 512));

        using (var cancel = new CancellationTokenSource())
        {
            using var call = server.Render.Render(GatewayServer.Key, cancellationToken: cancel.Token);
            await RenderCalls.SendAsync(call.RequestStream, header, RenderCalls.Chunks(upload));
            Assert.True(await call.ResponseStream.MoveNext(cancel.Token));
            Assert.Equal(header.JobId, call.ResponseStream.Current.Accepted.JobId);
            await cancel.CancelAsync(); // the client goes away
        }

        var status = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = header.JobId }, GatewayServer.Key);
        Assert.NotEqual(V1.JobState.Cancelled, status.State);

        var outcome = await RenderCalls.ReadAsync(server.Jobs.AttachJob(new AttachJobRequest { JobId = header.JobId }, GatewayServer.Key).ResponseStream);
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        Assert.Equal((768, 512), (outcome.Summary.Job.Width, outcome.Summary.Job.Height));
        using var inProcess = new MemoryStream();
        await new FarmRenderClient(server.Grains).AttachAsync(header.JobId, inProcess);
        Assert.Equal(inProcess.ToArray(), outcome.Result);

        // Attaching again after the job finished returns the same result.
        var again = await RenderCalls.ReadAsync(server.Jobs.AttachJob(new AttachJobRequest { JobId = header.JobId }, GatewayServer.Key).ResponseStream);
        Assert.Equal(outcome.Result, again.Result);
    }

    [Fact]
    public async Task Unknown_jobs_are_not_found()
    {
        var id = $"nobody-{Guid.NewGuid():N}";
        await RenderCalls.ExpectFailure(async () => await server.Jobs.GetJobAsync(new GetJobRequest { JobId = id }, GatewayServer.Key), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(async () => await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = id }, GatewayServer.Key), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(
            () => RenderCalls.ReadAsync(server.Jobs.AttachJob(new AttachJobRequest { JobId = id }, GatewayServer.Key).ResponseStream), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(async () => await server.Jobs.GetJobAsync(new GetJobRequest { JobId = "../etc" }, GatewayServer.Key), StatusCode.InvalidArgument);
    }

    private Task<JobInfo> WaitForFinish(string jobId) =>
        Eventually.Until(
            async () => await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId }, GatewayServer.Key),
            job => job.State is V1.JobState.Completed or V1.JobState.Failed or V1.JobState.Cancelled,
            $"job {jobId} to finish",
            TimeSpan.FromSeconds(30));

    private async Task AssertWorkersIdle()
    {
        await Eventually.Until(
            async () => (await server.WorkerLoads()).Sum(load => load.Queued), queued => queued == 0, "no tiles queued after the job ended", TimeSpan.FromSeconds(30));
        var rendered = (await server.WorkerLoads()).Sum(load => load.TilesRendered);

        // A job that kept dispatching would add tiles while another job runs: rather than wait for nothing to happen,
        // run a small job to completion and find the workers rendered exactly its tiles.
        var probe = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 64, 48))));
        Assert.Equal(V1.JobState.Completed, probe.Summary.Job.State);
        Assert.Equal(rendered + probe.Summary.Job.TilesTotal, (await server.WorkerLoads()).Sum(load => load.TilesRendered));
    }
}
