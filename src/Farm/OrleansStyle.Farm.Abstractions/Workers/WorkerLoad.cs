namespace OrleansStyle.Farm.Workers;

/// <summary>A worker's device queue: tiles waiting or running, and how many it accepts at most.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.WorkerLoad")]
public sealed record WorkerLoad(
    [property: Id(0)] int Queued,
    [property: Id(1)] int Capacity,
    [property: Id(2)] long TilesRendered,
    [property: Id(3)] long LargestBatch)
{
    /// <summary>The silo the worker runs on.</summary>
    [Id(4)]
    public string Silo { get; init; } = "";
}
