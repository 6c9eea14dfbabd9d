namespace OrleansStyle.Farm.Training;

/// <summary>
/// What a training coordinator persists (grain storage <see cref="Hosting.FarmStorage.Jobs"/>): its status, with the
/// worker and the latest checkpoint's step. The spec (style images) and the checkpoints are in the job's spool.
/// </summary>
[GenerateSerializer, Alias("orleansstyle.v1.TrainingJobState")]
public sealed class TrainingJobState
{
    [Id(0)]
    public TrainingStatus? Status { get; set; }

    /// <summary>When the job finished (retention counts from here).</summary>
    [Id(1)]
    public DateTimeOffset? FinishedAt { get; set; }
}
