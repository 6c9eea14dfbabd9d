namespace OrleansStyle.Farm.Draining;

/// <summary>How a silo leaves the cluster when it is told to stop (SIGTERM, Ctrl+C). Bound from <c>OrleansStyle:Drain</c>.</summary>
public sealed class DrainOptions
{
    public const string Section = "OrleansStyle:Drain";

    /// <summary>
    /// How long the silo's devices may take to finish the tiles they already accepted once it stops taking new ones;
    /// what is still queued or running then is handed back to its coordinators, which send it to another silo.
    /// Size it to the slowest tile of the farm (a 2048² optimisation tile runs for tens of seconds).
    /// </summary>
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time after the grace period for the rest of a graceful stop: coordinators persist and deactivate, the silo
    /// leaves the membership table. A host's shutdown timeout (and Kubernetes' terminationGracePeriodSeconds) must
    /// cover <see cref="GracePeriod"/> plus this.
    /// </summary>
    public static TimeSpan StopAllowance { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The whole graceful stop: what a host must wait before it gives up on a clean exit.</summary>
    public TimeSpan ShutdownTimeout => GracePeriod + StopAllowance;
}
