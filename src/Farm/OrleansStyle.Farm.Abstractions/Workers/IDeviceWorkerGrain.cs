using Orleans.Concurrency;
using OrleansStyle.Farm.Training;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// The worker for one device of one silo (key: <see cref="WorkerAddress.Key"/>). It is placed only on that silo;
/// the device work runs on the silo's device service, never on the grain's thread, so calls interleave freely.
/// Calls carry a cancellation token: a cancelled or expired tile leaves the device queue.
/// </summary>
public interface IDeviceWorkerGrain : IGrainWithStringKey
{
    [AlwaysInterleave, ResponseTimeout("00:10:00")]
    Task<TileResult> Render(TileWork work, CancellationToken cancellationToken = default);

    /// <summary>
    /// An optimisation tile (or coarse pass): minutes, not seconds, on a CPU, so it has its own long timeout; the
    /// job's deadline and cancellation still reach it through the token.
    /// </summary>
    [AlwaysInterleave, ResponseTimeout("02:00:00")]
    Task<TileResult> Optimize(TileWork work, CancellationToken cancellationToken = default);

    [AlwaysInterleave, ResponseTimeout("00:10:00")]
    Task<FrozenStatistics> CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    Task<WorkerLoad> GetLoad();

    /// <summary>
    /// Starts training on this device and returns at once; the run reports to <see cref="ITrainingJobGrain"/>
    /// <paramref name="jobId"/>. It runs in short slices between tile batches, so the device keeps rendering.
    /// </summary>
    [AlwaysInterleave]
    Task StartTraining(string jobId, TrainingSpec spec);

    /// <summary>
    /// Stops the run unless it already began writing its model: true when it will write none, false when the model
    /// is (being) written and the run will report Completed.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> CancelTraining(string jobId, string reason);
}
