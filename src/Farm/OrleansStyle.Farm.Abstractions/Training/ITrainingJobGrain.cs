using Orleans.Concurrency;

namespace OrleansStyle.Farm.Training;

/// <summary>
/// The coordinator of one training job (key: the job id): picks a device, follows its reports, and answers
/// status, watch and cancel calls. Starting the same id again returns the same job.
/// </summary>
public interface ITrainingJobGrain : IGrainWithStringKey
{
    Task<TrainingStatus> Start(TrainingSpec spec);

    Task<TrainingStatus> GetStatus();

    /// <summary>Every status change after <paramref name="afterVersion"/>, ending with the finished status.</summary>
    IAsyncEnumerable<TrainingStatus> Watch(int afterVersion = -1, CancellationToken cancellationToken = default);

    Task<TrainingStatus> Cancel(string reason);

    /// <summary>From the training device: progress, or the end of the run.</summary>
    [AlwaysInterleave]
    Task Report(TrainingReport report);
}
