using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.Security;
using OrleansStyle.Gateway.Shutdown;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using FarmTraining = OrleansStyle.Farm.Training;

namespace OrleansStyle.Gateway.Services;

/// <summary>
/// orleansstyle.v1.Training: starts training jobs on the farm with style images from the library, and follows
/// them. A job is visible only to the caller that started it (others are told it does not exist).
/// </summary>
public sealed class TrainingService(IGrainFactory grains, StyleLibrary library, GatewayDrain drain, IOptions<GatewayOptions> options) : V1.Training.TrainingBase
{
    private readonly GatewayOptions _options = options.Value;
    private readonly SafeImageReader _reader = new(new ImageLimits { MaxPixels = options.Value.MaxPixels, MaxBytes = options.Value.MaxStyleBytes });

    /// <summary>Styles of one training request; checked before any image is read, so one request cannot make the gateway decode thousands.</summary>
    public const int MaxStyles = 32;

    public override async Task<TrainingJob> StartTraining(StartTrainingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.AllowModelChanges)
        {
            throw GatewayErrors.Build(
                Google.Rpc.Code.PermissionDenied,
                $"This gateway does not train models ({GatewayOptions.Section}:AllowModelChanges is false): ask the operator to allow model changes.",
                "MODEL_CHANGES_DISABLED");
        }

        var kind = Validate(request);
        var styles = ImmutableArray.CreateBuilder<FarmTraining.TrainingStyle>(request.Styles.Count);
        for (var i = 0; i < request.Styles.Count; i++)
        {
            var bytes = await library.ReadAsync(request.Styles[i], context.CancellationToken); // unknown: NOT_FOUND
            var image = ImageDecoding.ReadRgb(_reader, bytes, $"styles[{i}]");
            styles.Add(new FarmTraining.TrainingStyle(request.Styles[i], image));
        }

        var spec = new FarmTraining.TrainingSpec(request.ModelName, kind, styles.MoveToImmutable(), request.Steps)
        {
            Size = request.Size,
            Batch = request.Batch,
            Width = request.Width,
            LearningRate = request.LearningRate,
            ContentWeight = request.ContentWeight,
            StyleWeight = request.StyleWeight,
            StyleSize = request.StyleSize,
            Seed = request.Seed,
            Overwrite = request.Overwrite,
            Caller = CallerIdentity.Get(context),
        };
        var jobId = request.JobId.Length > 0 ? request.JobId : JobIds.New();
        try
        {
            return ToWire(await grains.GetGrain<FarmTraining.ITrainingJobGrain>(jobId).Start(spec));
        }
        catch (FarmTraining.InvalidTrainingException invalid)
        {
            throw GatewayErrors.InvalidArgument("request", invalid.Message, "INVALID_TRAINING");
        }
    }

    public override async Task<TrainingJob> GetTraining(GetTrainingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ToWire(await OwnStatus(request.JobId, context));
    }

    public override async Task WatchTraining(GetTrainingRequest request, IServerStreamWriter<TrainingJob> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        await OwnStatus(request.JobId, context);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drain.GraceOver);
        limit.CancelAfter(_options.MaxStreamDuration);
        try
        {
            await foreach (var status in grains.GetGrain<FarmTraining.ITrainingJobGrain>(request.JobId).Watch(-1, limit.Token))
            {
                await responseStream.WriteAsync(ToWire(status), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested && drain.GraceOver.IsCancellationRequested)
        {
            throw drain.Interrupted(drain.FarmStopsWithGateway
                ? $"training job {request.JobId} stops with the farm in this gateway: start it again."
                : $"training job {request.JobId} goes on in the farm: watch it again through another gateway.");
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw GatewayErrors.Build(
                Google.Rpc.Code.DeadlineExceeded,
                $"Watching took longer than the gateway allows one stream ({_options.MaxStreamDuration}); the job goes on: watch again.",
                "STREAM_TOO_LONG");
        }
    }

    public override async Task<TrainingJob> CancelTraining(CancelTrainingRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await OwnStatus(request.JobId, context);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled through the gateway" : request.Reason[..Math.Min(request.Reason.Length, 500)];
        return ToWire(await grains.GetGrain<FarmTraining.ITrainingJobGrain>(request.JobId).Cancel(reason));
    }

    private static FarmTraining.TrainingKind Validate(StartTrainingRequest request)
    {
        var problems = new List<(string, string)>();
        if (request.JobId.Length > 0 && !JobIds.IsValid(request.JobId))
        {
            problems.Add(("job_id", $"'{request.JobId}' is not a job id: {JobIds.Rule}, or leave it empty."));
        }

        if (!ModelNames.IsValid(request.ModelName))
        {
            problems.Add(("model_name", $"'{request.ModelName}' is not a model name: {ModelNames.Rule}."));
        }

        FarmTraining.TrainingKind? kind = request.Kind switch
        {
            V1.TrainingKind.Single => FarmTraining.TrainingKind.Single,
            V1.TrainingKind.Multi => FarmTraining.TrainingKind.Multi,
            V1.TrainingKind.Adain => FarmTraining.TrainingKind.AdaIn,
            _ => null,
        };
        if (kind is null)
        {
            problems.Add(("kind", "choose SINGLE, MULTI or ADAIN."));
        }

        if (request.Steps is < 1 or > FarmTraining.TrainingSpec.MaxSteps)
        {
            problems.Add(("steps", $"use 1–{FarmTraining.TrainingSpec.MaxSteps}."));
        }

        if (request.Styles.Count == 0)
        {
            problems.Add(("styles", "name at least one style of the library (Styles.ListStyles)."));
        }
        else if (request.Styles.Count > MaxStyles)
        {
            problems.Add(("styles", $"{request.Styles.Count} styles: a model trains at most {MaxStyles}."));
        }
        else if (request.Styles.Distinct(StringComparer.Ordinal).Count() != request.Styles.Count)
        {
            problems.Add(("styles", "each style may be named once."));
        }

        if (problems.Count > 0)
        {
            throw GatewayErrors.InvalidArguments(problems, "INVALID_TRAINING");
        }

        return kind!.Value;
    }

    private Task<FarmTraining.TrainingStatus> OwnStatus(string jobId, ServerCallContext context) => CallerOwnership.RequireOwnAsync(
        context,
        jobId,
        async () =>
        {
            try
            {
                return await grains.GetGrain<FarmTraining.ITrainingJobGrain>(jobId).GetStatus();
            }
            catch (FarmTraining.InvalidTrainingException)
            {
                return null;
            }
        },
        status => status.Caller,
        "training job",
        "TRAINING_NOT_FOUND");

    private static TrainingJob ToWire(FarmTraining.TrainingStatus status) => new()
    {
        JobId = status.JobId,
        State = status.State switch
        {
            FarmTraining.TrainingState.Queued => TrainingState.Queued,
            FarmTraining.TrainingState.Running => TrainingState.Running,
            FarmTraining.TrainingState.Completed => TrainingState.Completed,
            FarmTraining.TrainingState.Failed => TrainingState.Failed,
            FarmTraining.TrainingState.Cancelled => TrainingState.Cancelled,
            _ => TrainingState.Unspecified,
        },
        ModelName = status.ModelName,
        Step = status.Step,
        Steps = status.Steps,
        TotalLoss = status.TotalLoss,
        ContentLoss = status.ContentLoss,
        StyleLoss = status.StyleLoss,
        StepsPerSecond = status.StepsPerSecond,
        Eta = status.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
        Error = status.Error ?? "",
        Worker = status.Worker ?? "",
    };
}
