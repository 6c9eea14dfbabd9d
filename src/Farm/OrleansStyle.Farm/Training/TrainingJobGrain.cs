using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Serialization;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Models;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Training;

/// <summary>
/// Coordinates one training job: checks the spec, hands it to the least-busy device that accepts it, and keeps
/// the status its device reports for callers to poll or watch. The device does the work in slices between tile
/// batches (<see cref="DeviceTrainer"/>); this grain only records what happens. Durable: its status is grain state and
/// its spec and the run's checkpoints are in the spool, so a coordinator whose silo died comes back on the next call
/// (a report, a watcher) or its reminder, and a run whose device or silo was lost is placed on another device and
/// continues from its last checkpoint.
/// </summary>
[Reentrant, CoordinatorPlacement]
public sealed partial class TrainingJobGrain(
    [PersistentState("training", FarmStorage.Jobs)] IPersistentState<TrainingJobState> state,
    IModelRegistry models,
    WorkerDirectory directory,
    JobSpool spool,
    Serializer serializer,
    IOptions<JobOptions> jobOptions,
    ILogger<TrainingJobGrain> logger) : Grain, ITrainingJobGrain, IRemindable
{
    private const string ReminderName = "training-job";
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TrainingSpec? _spec;
    private StateWriter? _writer;
    private bool _placing;
    private static readonly TimeSpan WorkerCheckInterval = TimeSpan.FromSeconds(10);

    // How long a cancel that came too late waits for the device's final report (writing a model takes a moment).
    private static readonly TimeSpan CancelTooLateWait = TimeSpan.FromMinutes(1);

    private Task? _starting;
    private DateTimeOffset _started = DateTimeOffset.UtcNow;
    private IGrainTimer? _workerCheck;

    private string JobId => this.GetPrimaryKeyString();

    /// <summary>The job's folder in the spool (its own key space: a render job may have the same id).</summary>
    private string SpoolId => TrainingSpool.JobId(JobId);

    private TrainingStatus? _status
    {
        get => state.State.Status;
        set => state.State.Status = value;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writer = new StateWriter(state.WriteStateAsync, logger, $"Training job {JobId}");
        if (_status is { IsFinished: false })
        {
            try
            {
                _spec = serializer.Deserialize<TrainingSpec>(await spool.ReadAsync(SpoolId, TrainingSpool.Spec, cancellationToken));
            }
            catch (SpoolItemMissingException exception)
            {
                Update(_status with { State = TrainingState.Failed, Error = $"The job's spooled spec is gone ({exception.Message}); start it again.", Eta = null });
                await _writer.WriteAsync();
                return;
            }

            // Its device may have gone with the silo this coordinator was on: the first check places it again.
            _workerCheck = this.RegisterGrainTimer(CheckWorker, TimeSpan.Zero, WorkerCheckInterval);
        }
    }

    public async Task<TrainingStatus> Start(TrainingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_status is { } existing && _starting is null)
        {
            // Accepted by an earlier activation.
            return existing.Caller == spec.Caller
                ? existing
                : throw new InvalidTrainingException($"The training job id {JobId} is taken by another caller: choose another id, or leave it empty.");
        }

        // The grain is reentrant: a second Start while the first is still placing the job joins it, so one id never
        // trains twice. A placement that failed leaves the id free for a retry.
        var starting = _starting ??= StartOnce(spec);
        try
        {
            await starting;
        }
        catch
        {
            if (ReferenceEquals(_starting, starting))
            {
                _starting = null;
            }

            throw;
        }

        return _spec!.Caller == spec.Caller
            ? _status!
            : throw new InvalidTrainingException($"The training job id {JobId} is taken by another caller: choose another id, or leave it empty.");
    }

    private async Task StartOnce(TrainingSpec spec)
    {
        Validate(spec);
        spool.DeleteJob(SpoolId); // nothing spooled under this id belongs to a job
        await spool.TryWriteAsync(SpoolId, TrainingSpool.Spec, serializer.SerializeToArray(spec));
        _spec = spec;
        try
        {
            var worker = await Place(spec);
            Update(new TrainingStatus(JobId, TrainingState.Queued, spec.ModelName, 0, spec.Steps) { Worker = worker.Key, Caller = spec.Caller });
            await _writer!.WriteAsync();
        }
        catch
        {
            spool.DeleteJob(SpoolId);
            state.State = new TrainingJobState();
            throw;
        }

        await this.RegisterOrUpdateReminder(ReminderName, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _workerCheck = this.RegisterGrainTimer(CheckWorker, WorkerCheckInterval, WorkerCheckInterval);
    }

    /// <summary>Hands the run to the least busy device that accepts it (it continues from a spooled checkpoint, if any).</summary>
    private async Task<WorkerAddress> Place(TrainingSpec spec)
    {
        var failures = new List<string>();
        var overloaded = false;
        foreach (var worker in await Candidates())
        {
            try
            {
                await GrainFactory.GetGrain<IDeviceWorkerGrain>(worker.Key).StartTraining(JobId, spec);
                _started = DateTimeOffset.UtcNow;
                LogStarted(logger, JobId, spec.ModelName, worker.Key);
                return worker;
            }
            catch (Exception exception) when (exception is InvalidOperationException or DeviceOverloadedException)
            {
                overloaded |= exception is DeviceOverloadedException;
                failures.Add($"{worker.Device}: {exception.Message}");
            }
        }

        // Busy devices are worth a retry later; devices that cannot train at all need the operator.
        var reasons = string.Join(" ", failures.Distinct());
        throw overloaded
            ? new DeviceOverloadedException("Every device that can train is busy training: " + reasons)
            : new TrainingUnavailableException(failures.Count > 0
                ? "No device of the farm can train: " + reasons
                : directory.ActiveWorkers().Count > 0
                    ? "Only simulated devices are active, and they cannot train; start a silo with a CPU or CUDA device."
                    : "No device of the farm is active; start a silo with a device and retry.");
    }

    public Task<TrainingStatus> GetStatus() =>
        Task.FromResult(_status ?? throw new InvalidTrainingException($"There is no training job {JobId}."));

    public async IAsyncEnumerable<TrainingStatus> Watch(int afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = afterVersion;
        while (true)
        {
            var changed = _changed.Task;
            var status = _status ?? throw new InvalidTrainingException($"There is no training job {JobId}.");
            if (status.Version > seen)
            {
                seen = status.Version;
                yield return status;
            }

            if (status.IsFinished)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public async Task<TrainingStatus> Cancel(string reason)
    {
        var status = await GetStatus();
        if (status.IsFinished)
        {
            return status;
        }

        if (status.Worker is null)
        {
            // Between devices (being placed again): nothing runs that could write a model.
            Update(status with { State = TrainingState.Cancelled, Error = string.IsNullOrWhiteSpace(reason) ? "cancelled by the caller" : reason, Eta = null });
            await _writer!.WriteAsync();
            return _status!;
        }

        if (await GrainFactory.GetGrain<IDeviceWorkerGrain>(status.Worker!).CancelTraining(JobId, reason))
        {
            if (!_status!.IsFinished) // a report may have ended the job while the worker was asked
            {
                Update(_status with { State = TrainingState.Cancelled, Error = string.IsNullOrWhiteSpace(reason) ? "cancelled by the caller" : reason, Eta = null });
                await _writer!.WriteAsync();
            }

            return _status!;
        }

        // Too late: the model is being written and the device reports Completed next; answer with that, not CANCELLED.
        while (!_status!.IsFinished)
        {
            await _changed.Task.WaitAsync(CancelTooLateWait);
        }

        return _status;
    }

    public async Task Report(TrainingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_status is null or { IsFinished: true } || (report.Worker is { } from && from != _status.Worker))
        {
            return; // a late report after a cancel, or from a run this job was moved away from, changes nothing
        }

        if (report.Interrupted)
        {
            await PlaceAgain($"its device {_status.Worker} is leaving the cluster");
            return;
        }

        var left = _status.Steps - report.Step;
        Update(_status with
        {
            State = report.State,
            Step = report.Step,
            TotalLoss = report.TotalLoss,
            ContentLoss = report.ContentLoss,
            StyleLoss = report.StyleLoss,
            StepsPerSecond = report.StepsPerSecond,
            Eta = report.State == TrainingState.Running && report.StepsPerSecond > 0 ? TimeSpan.FromSeconds(left / report.StepsPerSecond) : null,
            Error = report.Error,
            CheckpointStep = Math.Max(_status.CheckpointStep, report.CheckpointStep),
        });
        if (_status!.IsFinished)
        {
            LogFinished(logger, JobId, _status.State, _status.Step, (DateTimeOffset.UtcNow - _started).TotalSeconds, _status.Error);
        }

        await _writer!.WriteAsync();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // A running job was brought back by this call itself (OnActivateAsync); a finished one goes after retention.
        if (_status is null || (state.State.FinishedAt is { } finished && DateTimeOffset.UtcNow - finished >= jobOptions.Value.KeepFinishedJobsFor))
        {
            spool.DeleteJob(SpoolId);
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            await state.ClearStateAsync();
            DeactivateOnIdle();
        }
    }

    /// <summary>The run was lost (or handed back): place it on another device, from its last checkpoint.</summary>
    private async Task PlaceAgain(string why)
    {
        if (_placing || _status is null or { IsFinished: true } || _spec is null)
        {
            return;
        }

        _placing = true;
        try
        {
            LogPlacingAgain(logger, JobId, why, _status.CheckpointStep);
            Update(_status with { Worker = null, State = TrainingState.Queued, Eta = null, Resumptions = _status.Resumptions + 1 });
            await _writer!.WriteAsync();
            var worker = await Place(_spec);
            if (_status is { IsFinished: false })
            {
                Update(_status with { Worker = worker.Key, Step = _status.CheckpointStep });
                await _writer.WriteAsync();
            }
        }
        catch (Exception exception) when (exception is DeviceOverloadedException or TrainingUnavailableException)
        {
            LogNoDevice(logger, JobId, exception.Message); // the next check tries again
        }
        finally
        {
            _placing = false;
        }
    }

    /// <summary>A device whose silo left the cluster will never report again: the run continues on another device.</summary>
    private async Task CheckWorker(CancellationToken cancellationToken)
    {
        if (_status is { IsFinished: false } status && (status.Worker is null || !directory.ActiveWorkers().Any(w => w.Key == status.Worker)))
        {
            await PlaceAgain(status.Worker is null ? "it has no device" : $"its device {status.Worker} left the cluster");
        }
    }

    private void Validate(TrainingSpec spec)
    {
        var problems = new List<string>();
        if (!ModelNames.IsValid(spec.ModelName))
        {
            problems.Add($"'{spec.ModelName}' is not a model name: {ModelNames.Rule}.");
        }
        else if (!spec.Overwrite && models.Contains(spec.ModelName))
        {
            problems.Add($"There already is a model '{spec.ModelName}': set overwrite to replace it when training ends, or choose another name.");
        }

        if (spec.Steps is < 1 or > TrainingSpec.MaxSteps)
        {
            problems.Add($"Steps is {spec.Steps}: use 1–{TrainingSpec.MaxSteps}.");
        }

        var styles = spec.Styles.IsDefault ? 0 : spec.Styles.Length;
        if (spec.Kind == TrainingKind.Single ? styles != 1 : styles < 1)
        {
            problems.Add(spec.Kind == TrainingKind.Single
                ? $"A single-style network trains on exactly one style image ({styles} given); use kind multi for several."
                : "Give at least one style image.");
        }
        else if (spec.Styles.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != styles)
        {
            problems.Add("Style names must differ: the model names its styles by them.");
        }

        if (spec.Size is < 0 or (> 0 and < 32) or > 1024 || spec.Batch is < 0 or > 64 || spec.Width is < 0 or > 256 || spec.StyleSize is < 0 or > 2048)
        {
            problems.Add("Size 32–1024, batch up to 64, width up to 256 and style size up to 2048 (0 for the defaults).");
        }

        if (!float.IsFinite(spec.LearningRate) || spec.LearningRate < 0 || !float.IsFinite(spec.StyleWeight) || spec.StyleWeight < 0
            || !float.IsFinite(spec.ContentWeight) || spec.ContentWeight < 0)
        {
            problems.Add("Learning rate and loss weights must be finite and not negative (0 for the defaults).");
        }

        foreach (var style in spec.Styles.IsDefault ? [] : spec.Styles)
        {
            problems.AddRange(style.Image.Validate($"Style image '{style.Name}'"));
        }

        if (problems.Count > 0)
        {
            throw new InvalidTrainingException(string.Join(" ", problems));
        }
    }

    /// <summary>Real devices, the least busy first (training slices queue behind tiles).</summary>
    private async Task<IReadOnlyList<WorkerAddress>> Candidates()
    {
        var workers = directory.ActiveWorkers()
            .Where(w => DeviceDescriptor.TryParse(w.Device, out var device) && device.Kind != DeviceKind.Simulated)
            .ToList();
        var loads = await Task.WhenAll(workers.Select(async w =>
        {
            try
            {
                return (Worker: w, Queued: (await GrainFactory.GetGrain<IDeviceWorkerGrain>(w.Key).GetLoad()).Queued);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                return (Worker: w, Queued: int.MaxValue); // unreachable now: try it last
            }
        }));
        return [.. loads.OrderBy(l => l.Queued).Select(l => l.Worker)];
    }

    private void Update(TrainingStatus status)
    {
        _status = status with { Version = (_status?.Version ?? -1) + 1 };
        if (_status.IsFinished)
        {
            _workerCheck?.Dispose();
            _workerCheck = null;
            state.State.FinishedAt ??= DateTimeOffset.UtcNow;
            spool.DeleteJob(SpoolId); // the checkpoints' work is in the model now (or never will be)
        }

        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId}: model {Model} on {Worker}")]
    private static partial void LogStarted(ILogger logger, string jobId, string model, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId}: placing it again because {Why}; it continues from step {Checkpoint}")]
    private static partial void LogPlacingAgain(ILogger logger, string jobId, string why, int checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training job {JobId}: no device takes it yet ({Reason}); retrying")]
    private static partial void LogNoDevice(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training job {JobId} {State} at step {Step} after {Seconds:F0} s {Error}")]
    private static partial void LogFinished(ILogger logger, string jobId, TrainingState state, int step, double seconds, string? error);
}
