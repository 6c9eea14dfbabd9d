namespace OrleansStyle.Farm.Jobs;

public enum RenderMethod
{
    /// <summary>A trained model (single, multi-style or AdaIN): one network pass per tile, batched on devices.</summary>
    FeedForward,

    /// <summary>
    /// Gatys optimisation with the style images of the job: the whole picture at thumbnail size on one worker, then
    /// full-resolution refinement of overlapping tiles on many workers, started from the coarse result.
    /// </summary>
    Optimize,
}
