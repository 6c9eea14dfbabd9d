namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Where a job stands. <see cref="TileSize"/> and <see cref="Overlap"/> describe the tiling, so a caller can plan
/// the same layout and assemble the tiles it is sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.JobStatus")]
public sealed record JobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] JobState State,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height,
    [property: Id(4)] int TileSize,
    [property: Id(5)] int Overlap,
    [property: Id(6)] int TilesDone,
    [property: Id(7)] int TilesTotal)
{
    /// <summary>Estimated time to completion while running.</summary>
    [Id(8)]
    public TimeSpan? Eta { get; init; }

    /// <summary>Why the job failed or was cancelled.</summary>
    [Id(9)]
    public string? Error { get; init; }

    /// <summary>Tile attempts that failed and were retried elsewhere.</summary>
    [Id(10)]
    public int Retries { get; init; }

    /// <summary>Who submitted it; gateways show a job only to its caller.</summary>
    [Id(11)]
    public string? Caller { get; init; }

    /// <summary>The job failed because its deadline passed (the farm's own timer said so, not a comparison of clocks).</summary>
    [Id(12)]
    public bool DeadlinePassed { get; init; }

    /// <summary>
    /// Times a new activation of the coordinator continued the job from its persisted state (its silo died or it
    /// was moved); finished tiles are never rendered again.
    /// </summary>
    [Id(13)]
    public int Resumptions { get; init; }

    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
