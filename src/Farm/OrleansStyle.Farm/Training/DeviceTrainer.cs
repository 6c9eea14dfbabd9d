using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Training;
using TorchSharp;

namespace OrleansStyle.Farm.Training;

/// <summary>
/// Runs this silo's training jobs. Every piece of Torch work — loading, each slice of steps, saving — is an
/// exclusive item on the device's queue, so training shares the device with rendering instead of blocking it,
/// and no grain thread ever waits on a step. Progress goes to the job's coordinator grain.
/// </summary>
public sealed partial class DeviceTrainer(
    DeviceServices devices,
    IGrainFactory grains,
    IOptions<FarmTrainingOptions> options,
    IOptions<ModelRegistryOptions> models,
    ILogger<DeviceTrainer> logger) : IDisposable
{
    private static readonly TimeSpan OverloadBackoff = TimeSpan.FromMilliseconds(200);

    private readonly FarmTrainingOptions _options = options.Value;
    private readonly string _modelDirectory = Path.GetFullPath(models.Value.Directory);
    private readonly ConcurrentDictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Checks what can be checked at once (the caller hears it as the call's exception), then trains in the background.</summary>
    public void Start(string jobId, TrainingSpec spec, DeviceDescriptor device)
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

        var run = new Run(device.Id, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
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
            (trainer, lossNetwork) = await OnDevice(queue, _ => Create(spec, device, contentDirectory), token);
            LogStarted(logger, jobId, device.Id, spec.ModelName, trainer.Options.Steps);
            await coordinator.Report(new TrainingReport(TrainingState.Running, 0, 0, 0, 0, 0));

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
                if (reported.Elapsed >= _options.ReportInterval && trainer.Step < steps)
                {
                    reported.Restart();
                    await coordinator.Report(Report(TrainingState.Running, last, trainer.Step / clock.Elapsed.TotalSeconds));
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
            await coordinator.Report(Report(TrainingState.Completed, last, steps / Math.Max(clock.Elapsed.TotalSeconds, 1e-3)));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await ReportQuietly(coordinator, Report(TrainingState.Cancelled, last, 0, _stopping.IsCancellationRequested ? "the silo is shutting down" : "cancelled"));
        }
        catch (Exception exception)
        {
            LogFailed(logger, exception, jobId);
            await ReportQuietly(coordinator, Report(TrainingState.Failed, last, 0, exception.Message));
        }
        finally
        {
            trainer?.Dispose();
            lossNetwork?.Dispose();
            _runs.TryRemove(jobId, out _);
            run.Cancellation.Dispose();
        }
    }

    private static (FeedForwardTrainer Trainer, FeatureNetwork LossNetwork) Create(TrainingSpec spec, DeviceDescriptor device, string contentDirectory)
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
            return (FeedForwardTrainer.Create(lossNetwork, trainingOptions, content, styles, device: torchDevice), lossNetwork);
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

    private static TrainingReport Report(TrainingState state, TrainingLosses losses, double stepsPerSecond, string? error = null) =>
        new(state, losses.Step, losses.Total, losses.Content, losses.Style, stepsPerSecond, error);

    private async Task ReportQuietly(ITrainingJobGrain coordinator, TrainingReport report)
    {
        try
        {
            await coordinator.Report(report);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReportFailed(logger, exception, coordinator.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} started on {Device}: model {Model}, {Steps} steps")]
    private static partial void LogStarted(ILogger logger, string jobId, string device, string model, int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} wrote {Path} after {Seconds:F0} s")]
    private static partial void LogFinished(ILogger logger, string jobId, string path, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report the end of training job {JobId} to its coordinator")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string jobId);

    private sealed record Run(string Device, CancellationTokenSource Cancellation)
    {
        /// <summary>The model is being written; guarded by locking the run.</summary>
        public bool Saving { get; set; }
    }
}
