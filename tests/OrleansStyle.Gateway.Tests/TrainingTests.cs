using Grpc.Core;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Training jobs on the farm through the gateway: the loss falls, the model lands in the registry and renders.</summary>
[Collection(GatewayCollection.Name)]
public sealed class TrainingTests(GatewayServer server)
{
    [Fact]
    public async Task A_training_job_lowers_its_loss_writes_a_model_and_the_model_renders()
    {
        var starry = await Style("starry_night");
        var scream = await Style("the_scream");
        var model = $"trained-{Guid.NewGuid():N}";
        var job = await server.Training.StartTrainingAsync(
            new StartTrainingRequest
            {
                ModelName = model, Kind = TrainingKind.Multi, Styles = { starry, scream },
                Steps = 40, Size = 64, Batch = 2, Width = 8, LearningRate = 0.005f, StyleSize = 64,
            },
            GatewayServer.Key);
        Assert.Contains(job.State, new[] { TrainingState.Queued, TrainingState.Running });

        var updates = await Watch(job.JobId);

        var finished = updates[^1];
        Assert.True(finished.State == TrainingState.Completed, $"{finished.State}: {finished.Error}");
        Assert.Equal(40, finished.Step);
        // Steps draw random crops, so compare the first reported steps with the last ones rather than two single steps.
        var running = updates.Where(u => u.Step > 0).ToList();
        Assert.True(running.Count >= 10, $"only {running.Count} progress reports arrived");
        var early = running.Take(4).Average(u => u.TotalLoss);
        var late = running.TakeLast(4).Average(u => u.TotalLoss);
        Assert.True(late < 0.8 * early, $"the loss should fall: {early:F3} over the first reports, {late:F3} over the last");

        var info = await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = model }, GatewayServer.Key);
        Assert.Equal("multi", info.Kind);
        Assert.Equal([starry, scream], info.Styles);
        var header = RenderCalls.MultiHeader((scream, 1f));
        header.Model = model;
        var render = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 96, 64))));
        Assert.Equal(V1.JobState.Completed, render.Summary.Job.State);
        await server.Models.DeleteModelAsync(new DeleteModelRequest { Name = model }, GatewayServer.Key);
    }

    [Fact]
    public async Task A_training_job_shares_its_device_with_renders_is_private_to_its_caller_and_cancelling_it_writes_no_model()
    {
        var model = $"cancelled-{Guid.NewGuid():N}";
        var job = await server.Training.StartTrainingAsync(
            new StartTrainingRequest { ModelName = model, Kind = TrainingKind.Adain, Styles = { await Style("mondrian") }, Steps = 100_000, Size = 64, Batch = 1, Width = 8 },
            GatewayServer.Key);

        await RenderCalls.ExpectFailure(async () => await server.Training.GetTrainingAsync(new GetTrainingRequest { JobId = job.JobId }, GatewayServer.OtherKey), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(
            async () => await server.Training.CancelTrainingAsync(new CancelTrainingRequest { JobId = job.JobId }, GatewayServer.OtherKey), StatusCode.NotFound);

        await WaitUntil(job.JobId, j => j.Step > 0);

        // Training runs in slices on the device's queue: a render on the same (only) device finishes meanwhile.
        var render = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 96, 64))));
        Assert.Equal(V1.JobState.Completed, render.Summary.Job.State);
        Assert.Equal(TrainingState.Running, (await server.Training.GetTrainingAsync(new GetTrainingRequest { JobId = job.JobId }, GatewayServer.Key)).State);

        var cancelled = await server.Training.CancelTrainingAsync(new CancelTrainingRequest { JobId = job.JobId, Reason = "test" }, GatewayServer.Key);

        Assert.Equal(TrainingState.Cancelled, cancelled.State);
        Assert.InRange(cancelled.Step, 1, 99_999); // it trained, and stopped short of its steps
        await WaitForDeviceIdle();
        await RenderCalls.ExpectFailure(async () => await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = model }, GatewayServer.Key), StatusCode.NotFound);
    }

    [Fact]
    public async Task A_diverging_training_job_fails_naming_the_step_and_writes_no_model()
    {
        var model = $"diverged-{Guid.NewGuid():N}";
        var job = await server.Training.StartTrainingAsync(
            new StartTrainingRequest
            {
                ModelName = model, Kind = TrainingKind.Single, Styles = { await Style("starry_night") },
                Steps = 300, Size = 64, Batch = 2, Width = 8, LearningRate = 1000f, StyleSize = 64,
            },
            GatewayServer.Key);

        var finished = (await Watch(job.JobId))[^1];

        Assert.Equal(TrainingState.Failed, finished.State);
        Assert.Contains("diverged at step", finished.Error, StringComparison.Ordinal);
        Assert.Contains("learning rate", finished.Error, StringComparison.Ordinal);
        Assert.True(finished.Step < 300, $"the job should stop at the divergence, not run on to step {finished.Step}");
        await RenderCalls.ExpectFailure(async () => await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = model }, GatewayServer.Key), StatusCode.NotFound);
    }

    [Fact]
    public async Task Two_starts_with_one_job_id_at_once_are_one_job()
    {
        var style = await Style("the_scream");
        var request = new StartTrainingRequest
        {
            JobId = $"twice-{Guid.NewGuid():N}"[..30], ModelName = $"twice-{Guid.NewGuid():N}", Kind = TrainingKind.Single, Styles = { style },
            Steps = 3, Size = 64, Batch = 1, Width = 8,
        };

        // The only device trains one job at a time: a second run of the same id would be refused as busy.
        var started = await Task.WhenAll(
            server.Training.StartTrainingAsync(request, GatewayServer.Key).ResponseAsync,
            server.Training.StartTrainingAsync(request, GatewayServer.Key).ResponseAsync);

        Assert.All(started, job => Assert.Equal(request.JobId, job.JobId));
        var finished = (await Watch(request.JobId))[^1];
        Assert.True(finished.State == TrainingState.Completed, $"{finished.State}: {finished.Error}");
        Assert.Equal(3, finished.Step);
        await server.Models.DeleteModelAsync(new DeleteModelRequest { Name = request.ModelName }, GatewayServer.Key);
    }

    [Fact]
    public async Task Bad_training_requests_get_their_status()
    {
        var style = await Style("woman-with-hat-matisse");
        StartTrainingRequest Request() => new() { ModelName = $"bad-{Guid.NewGuid():N}", Kind = TrainingKind.Single, Styles = { style }, Steps = 10 };

        var missingStyle = Request();
        missingStyle.Styles[0] = "no-such-style";
        await RenderCalls.ExpectFailure(async () => await server.Training.StartTrainingAsync(missingStyle, GatewayServer.Key), StatusCode.NotFound);

        var twoStyles = Request();
        twoStyles.Styles.Add(style + "-again");
        await StylesUpload(style + "-again", "mondrian");
        await RenderCalls.ExpectFailure(async () => await server.Training.StartTrainingAsync(twoStyles, GatewayServer.Key), StatusCode.InvalidArgument);

        var noSteps = Request();
        noSteps.Steps = 0;
        var failure = await RenderCalls.ExpectFailure(async () => await server.Training.StartTrainingAsync(noSteps, GatewayServer.Key), StatusCode.InvalidArgument);
        Assert.Contains("steps", failure.Status.Detail + failure.Trailers.ToString(), StringComparison.OrdinalIgnoreCase);

        var taken = Request();
        taken.ModelName = GatewayFixtures.Multi;
        await RenderCalls.ExpectFailure(async () => await server.Training.StartTrainingAsync(taken, GatewayServer.Key), StatusCode.InvalidArgument);

        await RenderCalls.ExpectFailure(async () => await server.Training.GetTrainingAsync(new GetTrainingRequest { JobId = "never-started" }, GatewayServer.Key), StatusCode.NotFound);
    }

    private async Task<string> Style(string painting)
    {
        var name = $"{painting}-{Guid.NewGuid():N}"[..40];
        await StylesUpload(name, painting);
        return name;
    }

    private Task<StyleInfo> StylesUpload(string name, string painting) =>
        StyleLibraryTests.UploadAsync(server.Styles, name, GatewayFixtures.Encode(GatewayFixtures.Painting(painting, 128, 100)));

    private async Task<List<TrainingJob>> Watch(string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var updates = new List<TrainingJob>();
        using var call = server.Training.WatchTraining(new GetTrainingRequest { JobId = jobId }, GatewayServer.Key, cancellationToken: timeout.Token);
        await foreach (var update in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            updates.Add(update);
        }

        return updates;
    }

    private async Task WaitUntil(string jobId, Func<TrainingJob, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var call = server.Training.WatchTraining(new GetTrainingRequest { JobId = jobId }, GatewayServer.Key, cancellationToken: timeout.Token);
        TrainingJob? last = null;
        await foreach (var update in call.ResponseStream.ReadAllAsync(timeout.Token))
        {
            if (condition(update))
            {
                return;
            }

            last = update;
        }

        Assert.Fail($"The watch ended before the condition held; last update: {last}");
    }

    private Task WaitForDeviceIdle() =>
        Eventually.Until(async () => (await server.WorkerLoads()).Sum(l => l.Queued), queued => queued == 0, "idle devices", TimeSpan.FromSeconds(10));
}
