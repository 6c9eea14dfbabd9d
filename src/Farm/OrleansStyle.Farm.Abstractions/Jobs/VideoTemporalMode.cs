namespace OrleansStyle.Farm.Jobs;

/// <summary>How an optimisation video job ties each frame to the previous one (Ruder et al. 2016, docs/video.md).</summary>
public enum VideoTemporalMode
{
    /// <summary>Every frame optimised on its own, all frames at once on every device (the per-frame baseline).</summary>
    Independent,

    /// <summary>Frame t starts from frame t−1's result warped along the content's flow, where the flow is trusted.</summary>
    WarmStart,

    /// <summary>The warm start and the occlusion-masked temporal loss towards that warped result.</summary>
    WarmStartAndLoss,
}
