namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// Inference-time temporal blending (<see cref="TemporalBlender"/>). <see cref="Weight"/>: how much of the warped
/// previous result replaces the new frame where the warp is trusted. <see cref="ContentTolerance"/>: the RGB distance
/// (0–1 scale) between the current content frame and the warped previous one at which that weight has fallen to
/// e^−1, so pixels the flow got wrong (lighting changes, fast motion) take the new frame and do not ghost.
/// Defaults measured in docs/video.md, "Temporal consistency".
/// </summary>
public sealed record TemporalBlendOptions(float Weight = 0.35f, float ContentTolerance = 0.06f)
{
    public static TemporalBlendOptions Default { get; } = new();

    public TemporalBlendOptions Validate()
    {
        if (!(Weight is >= 0f and < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Weight), Weight,
                "The temporal blend weight must be at least 0 (off) and below 1 (1 would freeze the first frame forever); 0.35 is the measured default.");
        }

        if (!(ContentTolerance is > 0f and <= 2f))
        {
            throw new ArgumentOutOfRangeException(nameof(ContentTolerance), ContentTolerance,
                "The content tolerance is an RGB distance on the 0–1 scale: use a value above 0 and at most 2 (0.06 is the measured default).");
        }

        return this;
    }
}
