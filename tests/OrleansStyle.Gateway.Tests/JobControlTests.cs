using Grpc.Core;
using OrleansStyle.Farm.Client;
using OrleansStyle.Gateway.V1;
using ImagingFormat = OrleansStyle.Imaging.OutputFormat;

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
        // A few hundred tiles take far longer than the deadline on a shared CPU; the JPEG keeps the upload short.
        var upload = GatewayFixtures.Encode(GatewayFixtures.Photo("storm", 3072, 2304), ImagingFormat.Jpeg);
        string? jobId = null;
        using var call = server.Render.Render(GatewayServer.Key, deadline: DateTime.UtcNow.AddSeconds(5));
        await RenderCalls.SendAsync(call.RequestStream, RenderCalls.MultiHeader(), RenderCalls.Chunks(upload));
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                jobId ??= call.ResponseStream.Current.Accepted?.JobId;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        if (jobId is not null)
        {
            var job = await WaitForFinish(jobId);
            Assert.True(job.State is V1.JobState.Cancelled or V1.JobState.Failed, $"the job is {job.State}");
            Assert.True(job.TilesDone < job.TilesTotal, $"the job should stop early, but {job.TilesDone} of {job.TilesTotal} tiles were done");
        }

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

    private async Task<JobInfo> WaitForFinish(string jobId)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId }, GatewayServer.Key);
            if (job.State is V1.JobState.Completed or V1.JobState.Failed or V1.JobState.Cancelled || DateTime.UtcNow > until)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }

    private async Task AssertWorkersIdle()
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await server.WorkerLoads()).Any(load => load.Queued > 0))
        {
            Assert.True(DateTime.UtcNow < until, "the workers still have tiles queued after the job ended");
            await Task.Delay(100);
        }

        var rendered = (await server.WorkerLoads()).Sum(load => load.TilesRendered);
        await Task.Delay(500);
        Assert.Equal(rendered, (await server.WorkerLoads()).Sum(load => load.TilesRendered));
    }
}
