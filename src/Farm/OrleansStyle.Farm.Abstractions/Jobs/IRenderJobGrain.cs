namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// The coordinator of one render job (key: the job id). Submitting the same id again returns the same job.
/// Long renders never ride on one call: submit, send the picture's bands, then watch the event stream. The job is
/// durable: if its coordinator's silo dies, the next call (or a reminder) continues it on another silo.
/// </summary>
public interface IRenderJobGrain : IGrainWithStringKey
{
    /// <summary>Accepts the job (or returns the existing one with this id) and plans its tiles.</summary>
    Task<JobStatus> Submit(RenderJobSpec spec);

    /// <summary>Adds rows of the picture; the job starts when every row has arrived. Bands already held are ignored.</summary>
    Task<JobStatus> AppendSource(SourceBand band);

    Task<JobStatus> GetStatus();

    /// <summary>Events from <paramref name="fromSequence"/> on: finished tiles, then one <see cref="JobFinished"/>.</summary>
    IAsyncEnumerable<JobEvent> Watch(int fromSequence = 0, CancellationToken cancellationToken = default);

    Task<JobStatus> Cancel(string reason);

    /// <summary>
    /// The caller has assembled the result: the job's spooled tiles are deleted (its status stays until retention
    /// ends). Until then, or until <c>OrleansStyle:Jobs:KeepFinishedJobsFor</c> passes, the result can be watched again.
    /// </summary>
    Task Collected();
}
