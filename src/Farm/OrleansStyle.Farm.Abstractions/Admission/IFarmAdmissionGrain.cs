namespace OrleansStyle.Farm.Admission;

/// <summary>
/// The farm-wide count of running renders (one grain, key <see cref="Key"/>). Gateways ask it before a job starts
/// and tell it when the job ends, so the cap holds across every gateway and caller, detached jobs included.
/// </summary>
public interface IFarmAdmissionGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>
    /// Counts <paramref name="jobId"/> as running unless the farm is at its cap. Admitting an id already running
    /// (a caller re-attaching with the same job id) always succeeds and needs its own <see cref="Release"/>.
    /// </summary>
    Task<FarmAdmission> Admit(string jobId);

    /// <summary>One holder of <paramref name="jobId"/> is done with it; the job stops counting when none is left.</summary>
    Task Release(string jobId);

    Task<int> ActiveJobs();
}
