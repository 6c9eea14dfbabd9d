namespace OrleansStyle.Farm.Training;

/// <summary>Where a training job keeps its items in the spool: its own key space, apart from render jobs of the same id.</summary>
public static class TrainingSpool
{
    public const string Spec = "spec";

    public static string JobId(string trainingJobId) => "training:" + trainingJobId;
}
