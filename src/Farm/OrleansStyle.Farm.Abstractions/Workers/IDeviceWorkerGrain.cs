using Orleans.Concurrency;

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

    [AlwaysInterleave, ResponseTimeout("00:10:00")]
    Task<FrozenStatistics> CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken = default);

    [AlwaysInterleave]
    Task<WorkerLoad> GetLoad();
}
