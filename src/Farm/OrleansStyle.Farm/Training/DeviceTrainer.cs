using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Training;
using TorchSharp;

namespace OrleansStyle.Farm.Training;

/// <summary>
/// Runs this silo's training jobs. Every piece of Torch work — loading, each slice of steps, saving — is an
/// exclusive item on the device's queue, so training shares the device with rendering instead of blocking it,
/// and no grain thread ever waits on a step. Progress goes to the job's coordinator grain. Every
/// <see cref="FarmTrainingOptions.CheckpointEvery"/> steps the run writes a checkpoint to the job's spool; a run that
/// finds one there (its previous device was lost) continues from it, step for step as if never interrupted.
/// </summary>
public sealed partial class DeviceTrainer(
    DeviceServices devices,
    IGrainFactory grains,
    IOptions<FarmTrainingOptions> options,
    IOptions<ModelRegistryOptions> models,
    JobSpool spool,
    ILogger<DeviceTrainer> logger) : IDisposable
{
    private static readonly TimeSpan OverloadBackoff = TimeSpan.FromMilliseconds(200);

    private readonly FarmTrainingOptions _options = options.Value;
    private readonly string _modelDirectory = Path.GetFullPath(models.Value.Directory);
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Checks what can be checked at once (the caller hears it as the call's exception), then trains in the background.</summary>
    public void Start(string jobId, TrainingSpec spec, DeviceDescriptor device, string worker)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(device);
        if (_options.ContentDirectory is not { Length: > 0 } content)
        {
            throw new InvalidOperationException(
                $"This silo has no training photos: set {FarmTrainingOptions.Section}:ContentDirectory to a folder of photos to train on.");
        }

        DeviceServices.TorchDevice(device); // simulated devices refuse here
        if (_runs.Values.Count(r => r.Device == device.Id) >= _options.MaxJobsPerDevice)
        {
            throw new DeviceOverloadedException($"Device {device.Id} already trains {_options.MaxJobsPerDevice} job(s); retry later or on another device.");
        }

        var run = new Run(device.Id, worker, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        if (!_runs.TryAdd(jobId, run))
        {
            return; // already training this job here
        }

        _ = Task.Run(() => TrainAsync(jobId, spec, device, content, run));
    }

    /// <summary>False when the run already began writing its model (it will complete); true otherwise.</summary>
    public bool Cancel(string jobId)
    {
        if (!_runs.TryGetValue(jobId, out var run))
        {
            return true; // not (or no longer) training here: nothing will be written by this device
        }

        lock (run)
        {
            if (run.Saving)
            {
                return false;
            }

            run.Cancellation.Cancel();
            return true;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task TrainAsync(string jobId, TrainingSpec spec, DeviceDescriptor device, string contentDirectory, Run run)
    {
        var coordinator = grains.GetGrain<ITrainingJobGrain>(jobId);
        var queue = devices[device.Id];
        var token = run.Cancellation.Token;
        FeedForwardTrainer? trainer = null;
        FeatureNetwork? lossNetwork = null;
        var last = new TrainingLosses(0, 0, 0, 0, 0);
        try
        {
            var spoolId = TrainingSpool.JobId(jobId);
            var checkpoint = LatestCheckpoint(spoolId);
            (trainer, lossNetwork) = await OnDevice(queue, _ => Create(spec, device, contentDirectory, checkpoint is null ? null : spool.PathOf(spoolId, checkpoint)), token);
            LogStarted(logger, jobId, device.Id, spec.ModelName, trainer.Options.Steps, trainer.Step);
            await ReportProgress(coordinator, new TrainingReport(TrainingState.Running, trainer.Step, 0, 0, 0, 0) { Worker = run.Worker, CheckpointStep = trainer.Step });
            var checkpointed = trainer.Step;

            var clock = Stopwatch.StartNew();
            var reported = Stopwatch.StartNew();
            var steps = trainer.Options.Steps;
            var slice = _options.StepsPerSlice;
            while (trainer.Step < steps)
            {
                var current = trainer;
                last = await OnDevice(queue, ct =>
                {
                    var losses = last;
                    for (var i = 0; i < slice && current.Step < steps && !ct.IsCancellationRequested; i++)
                    {
                        losses = current.TrainStep();
                    }

                    return losses;
                }, token);
                token.ThrowIfCancellationRequested();
                var checkpointStep = 0;
                if (_options.CheckpointEvery > 0 && trainer.Step - checkpointed >= _options.CheckpointEvery && trainer.Step < steps)
                {
                    checkpointStep = checkpointed = await CheckpointAsync(spoolId, queue, current, token);
                }

                if ((checkpointStep > 0 || reported.Elapsed >= _options.ReportInterval) && trainer.Step < steps)
                {
                    reported.Restart();
                    await ReportProgress(coordinator, Report(TrainingState.Running, last, trainer.Step / clock.Elapsed.TotalSeconds) with { Worker = run.Worker, CheckpointStep = checkpointStep });
                }
            }

            var path = Path.Combine(_modelDirectory, spec.ModelName + ".safetensors");
            var finished = trainer;
            await OnDevice(queue, _ =>
            {
                // Past this point a cancel answers false: the caller must never hear CANCELLED for a written model.
                lock (run)
                {
                    token.ThrowIfCancellationRequested();
                    run.Saving = true;
                }

                if (!spec.Overwrite && File.Exists(path))
                {
                    throw new InvalidOperationException($"A model '{spec.ModelName}' appeared while training; start the job with overwrite to replace it.");
                }

                Directory.CreateDirectory(_modelDirectory);
                finished.SaveModel(path); // written beside and moved into place: renders never see half a file
                return true;
            }, token);
            LogFinished(logger, jobId, path, clock.Elapsed.TotalSeconds);
            await ReportEnd(coordinator, Report(TrainingState.Completed, last, steps / Math.Max(clock.Elapsed.TotalSeconds, 1e-3)) with { Worker = run.Worker });
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // A silo that stops hands the run back (its coordinator places it again, from the last checkpoint).
            await ReportEnd(coordinator, Report(TrainingState.Cancelled, last, 0, _stopping.IsCancellationRequested ? "the silo is shutting down" : "cancelled")
                with { Worker = run.Worker, Interrupted = _stopping.IsCancellationRequested });
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, jobId);
            await ReportEnd(coordinator, Report(TrainingState.Failed, last, 0, exception.Message) with { Worker = run.Worker });
        }
        finally
        {
            trainer?.Dispose();
            lossNetwork?.Dispose();
            _runs.TryRemove(jobId, out _);
            run.Cancellation.Dispose();
        }
    }

    /// <summary>The newest checkpoint of the job in the spool, if any.</summary>
    private string? LatestCheckpoint(string jobId) =>
        spool.Keys(jobId).Where(k => k.StartsWith(CheckpointPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).LastOrDefault();

    private const string CheckpointPrefix = "checkpoint-";

    /// <summary>Writes a checkpoint on the device's queue (weights and Adam's state are device tensors), then drops older ones.</summary>
    private async Task<int> CheckpointAsync(string jobId, DeviceQueue queue, FeedForwardTrainer trainer, CancellationToken token)
    {
        var temporary = spool.NewTemporaryPath(jobId);
        var step = await OnDevice(queue, _ =>
        {
            trainer.SaveCheckpoint(temporary);
            return trainer.Step;
        }, token);
        var key = CheckpointPrefix + step.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        spool.TryMoveIn(jobId, key, temporary);
        foreach (var older in spool.Keys(jobId).Where(k => k.StartsWith(CheckpointPrefix, StringComparison.Ordinal) && string.CompareOrdinal(k, key) < 0))
        {
            spool.Delete(jobId, older);
        }

        LogCheckpoint(logger, jobId, step);
        return step;
    }

    private static (FeedForwardTrainer Trainer, FeatureNetwork LossNetwork) Create(TrainingSpec spec, DeviceDescriptor device, string contentDirectory, string? checkpoint)
    {
        var kind = spec.Kind switch
        {
            TrainingKind.Single => StyleModelKind.Single,
            TrainingKind.Multi => StyleModelKind.Multi,
            _ => StyleModelKind.AdaIn,
        };
        var defaults = TrainingOptions.For(kind);
        var trainingOptions = defaults with
        {
            Steps = spec.Steps,
            Size = spec.Size > 0 ? spec.Size : defaults.Size,
            Batch = spec.Batch > 0 ? spec.Batch : defaults.Batch,
            Width = spec.Width > 0 ? spec.Width : defaults.Width,
            LearningRate = spec.LearningRate > 0 ? spec.LearningRate : defaults.LearningRate,
            ContentWeight = spec.ContentWeight > 0 ? spec.ContentWeight : defaults.ContentWeight,
            StyleWeight = spec.StyleWeight > 0 ? spec.StyleWeight : defaults.StyleWeight,
            StyleSize = spec.StyleSize > 0 ? spec.StyleSize : defaults.StyleSize,
            Seed = spec.Seed,
        };
        var content = TrainingData.FromDirectory(contentDirectory);
        if (content.Count == 0)
        {
            throw new InvalidOperationException("This silo's training folder holds no PNG, JPEG or WebP photos."); // no server paths in what callers read
        }

        var styles = TrainingData.FromImages([.. spec.Styles.Select(s => (s.Name, s.Image.ToPlanar()))], "styles: " + string.Join(", ", spec.Styles.Select(s => s.Name)));
        var torchDevice = DeviceServices.TorchDevice(device);
        var lossNetwork = ResNetOnnxImporter.LoadDefault();
        try
        {
            lossNetwork.to(torchDevice);
            return (checkpoint is null
                ? FeedForwardTrainer.Create(lossNetwork, trainingOptions, content, styles, device: torchDevice)
                : FeedForwardTrainer.Resume(checkpoint, lossNetwork, content, styles, torchDevice), lossNetwork);
        }
        catch
        {
            lossNetwork.Dispose();
            throw;
        }
    }

    /// <summary>Device work, retried while the device's queue is full (tiles come first; training waits its turn).</summary>
    private static async Task<T> OnDevice<T>(DeviceQueue queue, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await queue.RunExclusive(work, cancellationToken);
            }
            catch (DeviceOverloadedException)
            {
                await Task.Delay(OverloadBackoff, cancellationToken);
            }
        }
    }

    /// <summary>How long the end of a run waits for a coordinator that cannot be reached (it is being reactivated).</summary>
    private static readonly TimeSpan EndReportPatience = TimeSpan.FromMinutes(5);

    private static TrainingReport Report(TrainingState state, TrainingLosses losses, double stepsPerSecond, string? error = null) =>
        new(state, losses.Step, losses.Total, losses.Content, losses.Style, stepsPerSecond, error);

    /// <summary>
    /// Progress is best effort: a report the coordinator cannot take now (its silo was lost, and it comes back from its
    /// persisted state) is skipped, and the next one carries newer figures. Only a failure of the farm is skipped: the
    /// run goes on, where an exception here would have failed it.
    /// </summary>
    private async Task ReportProgress(ITrainingJobGrain coordinator, TrainingReport report)
    {
        try
        {
            await coordinator.Report(report);
        }
        catch (Exception exception) when (FarmUnreachable.Is(exception))
        {
            LogProgressNotReported(logger, coordinator.GetPrimaryKeyString(), exception.GetType().Name);
        }
    }

    /// <summary>
    /// The run's end must reach the coordinator (it waits for it): retried with back-off while the farm is unreachable,
    /// for up to <see cref="EndReportPatience"/>; any other failure is logged.
    /// </summary>
    private async Task ReportEnd(ITrainingJobGrain coordinator, TrainingReport report)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await coordinator.Report(report);
                return;
            }
            catch (Exception exception) when (FarmUnreachable.Is(exception) && clock.Elapsed < EndReportPatience)
            {
                await Task.Delay(backoff);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogReportFailed(logger, exception, coordinator.GetPrimaryKeyString());
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId}: its coordinator could not take a progress report ({Failure}); the run goes on")]
    private static partial void LogProgressNotReported(ILogger logger, string jobId, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} started on {Device}: model {Model}, {Steps} steps, from step {From}")]
    private static partial void LogStarted(ILogger logger, string jobId, string device, string model, int steps, int from);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Training job {JobId}: checkpoint at step {Step}")]
    private static partial void LogCheckpoint(ILogger logger, string jobId, int step);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} wrote {Path} after {Seconds:F0} s")]
    private static partial void LogFinished(ILogger logger, string jobId, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the end of training job {JobId} to its coordinator")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string jobId);

    private sealed record Run(string Device, string Worker, CancellationTokenSource Cancellation)
    {
        /// <summary>The model is being written; guarded by locking the run.</summary>
        public bool Saving { get; set; }
    }
}
