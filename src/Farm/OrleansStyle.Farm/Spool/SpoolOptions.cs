namespace OrleansStyle.Farm.Spool;

/// <summary>
/// Where jobs keep their pixels (<c>OrleansStyle:Spool</c>): the source picture's bands, finished tiles, training
/// checkpoints. Embedded, a folder of this machine; in a cluster, a ReadWriteMany volume every silo mounts at the
/// same path, so a coordinator re-activated on another silo finds what its predecessor wrote.
/// </summary>
public sealed class SpoolOptions
{
    public const string Section = "OrleansStyle:Spool";

    /// <summary>The spool folder; unset: <c>orleansstyle-spool</c> under the user's temp folder.</summary>
    public string? Path { get; set; }

    /// <summary>How long a job's items stay after it was last written, when nobody collects them.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often each silo sweeps the spool for jobs past their retention.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    public string ResolvePath() => Path is { Length: > 0 } configured
        ? System.IO.Path.GetFullPath(configured)
        : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleansstyle-spool");
}
