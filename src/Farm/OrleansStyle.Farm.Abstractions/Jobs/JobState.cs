namespace OrleansStyle.Farm.Jobs;

public enum JobState
{
    /// <summary>Accepted; waiting for the rest of the picture.</summary>
    Receiving,
    Running,
    Completed,
    Failed,
    Cancelled,
}
