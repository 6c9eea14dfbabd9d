using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Client;

/// <summary>The job ended without a picture (failed or cancelled); <see cref="Status"/> says why.</summary>
public sealed class FarmJobFailedException(JobStatus status)
    : Exception($"Job {status.JobId} {status.State.ToString().ToLowerInvariant()}: {status.Error}")
{
    public JobStatus Status { get; } = status;
}
