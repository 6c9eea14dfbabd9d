using System.Globalization;
using Grpc.Core;
using OrleansStyle.Cli.Commands;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Gateway;

/// <summary>What <c>train --gateway</c> sends: the farm trains on its own photos, so no --content travels.</summary>
internal sealed record GatewayTrainArgs(
    string Gateway,
    string? ApiKey,
    string ModelName,
    string Kind,
    IReadOnlyList<string> Styles,
    int Steps,
    bool Overwrite,
    string? JobId,
    bool Detach)
{
    public int Size { get; init; }

    public int Batch { get; init; }

    public int Width { get; init; }

    public float LearningRate { get; init; }

    public float ContentWeight { get; init; }

    public float StyleWeight { get; init; }

    public int StyleSize { get; init; }

    public int Seed { get; init; }
}

/// <summary>
/// <c>train --gateway URL</c>: style images given as files go to the gateway's style library first (names given
/// as names must be there already), then the farm trains and this command follows it with a progress bar. Ctrl+C
/// cancels the job unless --detach; <c>train --gateway URL --attach ID</c> follows a job again.
/// </summary>
internal static class GatewayTrain
{
    public static async Task<int> StartAsync(GatewayTrainArgs args, CancellationToken cancellationToken)
    {
        using var channel = GatewayChannels.Open(args.Gateway);
        var styles = new Styles.StylesClient(channel);
        var request = new StartTrainingRequest
        {
            // Chosen here, not by the gateway, so that a start sent again after UNAVAILABLE is the same job.
            JobId = args.JobId ?? $"job-{Guid.NewGuid():N}",
            ModelName = args.ModelName,
            Kind = args.Kind switch
            {
                "single" => TrainingKind.Single,
                "multi" => TrainingKind.Multi,
                "adain" => TrainingKind.Adain,
                _ => throw new ArgumentException("Give --kind single, multi or adain."),
            },
            Steps = args.Steps,
            Size = args.Size,
            Batch = args.Batch,
            Width = args.Width,
            LearningRate = args.LearningRate,
            ContentWeight = args.ContentWeight,
            StyleWeight = args.StyleWeight,
            StyleSize = args.StyleSize,
            Seed = args.Seed,
            Overwrite = args.Overwrite,
        };
        foreach (var style in args.Styles)
        {
            if (File.Exists(style))
            {
                var uploaded = await StylesCommand.UploadAsync(styles, style, null, overwrite: true, GatewayChannels.Headers(args.ApiKey), cancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape($"Style {uploaded.Name}: uploaded {uploaded.Width}×{uploaded.Height}."));
                request.Styles.Add(uploaded.Name);
            }
            else
            {
                request.Styles.Add(style);
            }
        }

        var client = new Training.TrainingClient(channel);
        // A start the farm could not take (its coordinator's silo was lost) is sent again: the farm answers a start
        // of a known id from the same caller with that job.
        var job = await new GatewayReconnect(request.JobId).RunAsync(
            async _ => await client.StartTrainingAsync(request, GatewayChannels.Headers(args.ApiKey), cancellationToken: cancellationToken),
            cancellationToken);
        AnsiConsole.MarkupLine(Markup.Escape($"Training job {job.JobId} on {job.Worker}: model {job.ModelName}, {job.Steps} steps."));
        if (args.Detach)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Follow it with: orleans-style train --gateway {args.Gateway} --attach {job.JobId}"));
            return 0;
        }

        return await FollowAsync(client, job.JobId, args.ApiKey, cancelOnInterrupt: true, cancellationToken);
    }

    public static async Task<int> AttachAsync(string gateway, string? apiKey, string jobId, CancellationToken cancellationToken)
    {
        using var channel = GatewayChannels.Open(gateway);
        return await FollowAsync(new Training.TrainingClient(channel), jobId, apiKey, cancelOnInterrupt: false, cancellationToken);
    }

    private static async Task<int> FollowAsync(Training.TrainingClient client, string jobId, string? apiKey, bool cancelOnInterrupt, CancellationToken cancellationToken)
    {
        TrainingJob? last = null;
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask($"job {jobId}", maxValue: 1);
                    var reconnect = new GatewayReconnect(jobId);

                    // A watch the gateway answers UNAVAILABLE (the job's silo was lost; the job resumes from its
                    // checkpoint elsewhere) is opened again.
                    await reconnect.RunAsync(
                        async _ =>
                        {
                            using var call = client.WatchTraining(new GetTrainingRequest { JobId = jobId }, GatewayChannels.Headers(apiKey), cancellationToken: cancellationToken);
                            await foreach (var job in call.ResponseStream.ReadAllAsync(cancellationToken))
                            {
                                reconnect.Progressed();
                                last = job;
                                task.MaxValue = Math.Max(job.Steps, 1);
                                task.Value = job.Step;
                                task.Description = string.Create(
                                    CultureInfo.InvariantCulture,
                                    $"{job.State.ToString().ToLowerInvariant()} step {job.Step}/{job.Steps}  loss {job.TotalLoss:F3} (content {job.ContentLoss:F3}, style {job.StyleLoss:F3})  {job.StepsPerSecond:F2} steps/s");
                            }

                            return true;
                        },
                        cancellationToken);
                });
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or RpcException)
        {
            if (cancelOnInterrupt)
            {
                // The caller's token has fired: cancel with a short call of its own.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.CancelTrainingAsync(
                    new CancelTrainingRequest { JobId = jobId, Reason = "the CLI was interrupted" }, GatewayChannels.Headers(apiKey), cancellationToken: timeout.Token);
                AnsiConsole.MarkupLine(Markup.Escape($"Cancelled training job {jobId}."));
            }
            else
            {
                AnsiConsole.MarkupLine(Markup.Escape($"Stopped following; job {jobId} goes on."));
            }

            return CliErrors.Cancelled;
        }

        switch (last?.State)
        {
            case TrainingState.Completed:
                AnsiConsole.MarkupLine(Markup.Escape($"Trained model {last.ModelName} ({last.Steps} steps, final loss {last.TotalLoss:F3}); render with --model {last.ModelName}."));
                return 0;
            case TrainingState.Cancelled:
                Console.Error.WriteLine($"error: training job {jobId} was cancelled: {last.Error}");
                return CliErrors.Cancelled;
            default:
                Console.Error.WriteLine($"error: training job {jobId} failed: {last?.Error ?? "the gateway ended the stream early"}");
                return 1;
        }
    }
}
