namespace OrleansStyle.Farm.Training;

/// <summary>Where a training job stands; <see cref="Version"/> grows with every change, for watchers.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TrainingStatus")]
public sealed record TrainingStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] TrainingState State,
    [property: Id(2)] string ModelName,
    [property: Id(3)] int Step,
    [property: Id(4)] int Steps)
{
    [Id(5)]
    public int Version { get; init; }

    /// <summary>Losses of the latest step (relative losses, as the CLI's progress shows).</summary>
    [Id(6)]
    public float TotalLoss { get; init; }

    [Id(7)]
    public float ContentLoss { get; init; }

    [Id(8)]
    public float StyleLoss { get; init; }

    [Id(9)]
    public double StepsPerSecond { get; init; }

    [Id(10)]
    public TimeSpan? Eta { get; init; }

    /// <summary>Why the job failed or was cancelled.</summary>
    [Id(11)]
    public string? Error { get; init; }

    /// <summary>The device worker (<c>SILO|DEVICE</c>) that trains it.</summary>
    [Id(12)]
    public string? Worker { get; init; }

    [Id(13)]
    public string? Caller { get; init; }

    /// <summary>The step of the latest checkpoint in the job's spool (0: none yet); a lost run continues from it.</summary>
    [Id(14)]
    public int CheckpointStep { get; init; }

    /// <summary>Times the run was lost with its device or silo and continued on another device.</summary>
    [Id(15)]
    public int Resumptions { get; init; }

    public bool IsFinished => State is TrainingState.Completed or TrainingState.Failed or TrainingState.Cancelled;
}

/// <summary>What a device reports to the job's coordinator while and after training.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TrainingReport")]
public sealed record TrainingReport(
    [property: Id(0)] TrainingState State,
    [property: Id(1)] int Step,
    [property: Id(2)] float TotalLoss,
    [property: Id(3)] float ContentLoss,
    [property: Id(4)] float StyleLoss,
    [property: Id(5)] double StepsPerSecond,
    [property: Id(6)] string? Error = null)
{
    /// <summary>The reporting worker (<c>SILO|DEVICE</c>): reports of a run the coordinator moved elsewhere are ignored.</summary>
    [Id(7)]
    public string? Worker { get; init; }

    /// <summary>The step of the checkpoint just written to the spool; 0 when none was.</summary>
    [Id(8)]
    public int CheckpointStep { get; init; }

    /// <summary>The run stopped because its silo is leaving, not for a reason of its own: the coordinator places it again.</summary>
    [Id(9)]
    public bool Interrupted { get; init; }
}
