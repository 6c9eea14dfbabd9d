namespace OrleansStyle.Farm.Training;

public enum TrainingState
{
    /// <summary>Accepted; waiting for its device to load the data and the loss network.</summary>
    Queued,
    Running,

    /// <summary>The model file is in the registry.</summary>
    Completed,
    Failed,
    Cancelled,
}
