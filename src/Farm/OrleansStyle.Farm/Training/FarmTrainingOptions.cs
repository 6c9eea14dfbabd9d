namespace OrleansStyle.Farm.Training;

/// <summary>Training on this silo's devices (<c>OrleansStyle:Training</c>).</summary>
public sealed class FarmTrainingOptions
{
    public const string Section = "OrleansStyle:Training";

    /// <summary>Folder of training photos (PNG, JPEG, WebP, subfolders included). Unset: this silo does not train.</summary>
    public string? ContentDirectory { get; set; }

    /// <summary>Optimiser steps per turn on the device; tile batches run between turns.</summary>
    public int StepsPerSlice { get; set; } = 4;

    /// <summary>How often a running job reports its step and losses to its coordinator.</summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Optimiser steps between checkpoints in the job's spool (weights, Adam's state, the step): a run whose device
    /// or silo is lost continues from the last one on another device. 0 = no checkpoints (a lost run starts over).
    /// </summary>
    public int CheckpointEvery { get; set; } = 500;

    /// <summary>Training jobs one device runs at once (each holds a network, its optimiser state and the data).</summary>
    public int MaxJobsPerDevice { get; set; } = 1;
}
