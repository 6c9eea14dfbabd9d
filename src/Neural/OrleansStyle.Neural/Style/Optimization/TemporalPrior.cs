using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.Style.Optimization;

/// <summary>
/// Short-term temporal consistency for one video frame (Ruder et al. 2016): <see cref="Previous"/> is the previous
/// frame's result warped onto this frame along the content's optical flow, <see cref="Trust"/> (one channel, 0–1) says
/// where that warp can be believed (0 at disocclusions and motion boundaries). The run starts from
/// Trust·Previous + (1 − Trust)·the settings' initial image, and adds
/// <see cref="Weight"/> · mean(Trust ⊙ (x − Previous)²) to the objective; a weight of 0 keeps only the warm start.
/// </summary>
public sealed record TemporalPrior(PlanarImage Previous, PlanarImage Trust, float Weight)
{
    /// <summary>
    /// w_t on the objective's scale (content weight 1, style weight 10, pixels in 0–1), where an unweighted squared
    /// error of 0.001 costs about as much as the content term moves in the last iterations: measured in docs/video.md,
    /// "Optimisation".
    /// </summary>
    public const float DefaultWeight = 500f;

    public IReadOnlyList<string> Validate(PlanarImage content)
    {
        var problems = new List<string>();
        if (Previous.Channels != 3 || Previous.Width != content.Width || Previous.Height != content.Height)
        {
            problems.Add($"The temporal prior's previous frame is {Previous.Width}×{Previous.Height}×{Previous.Channels}: it must be RGB at the content's {content.Width}×{content.Height}.");
        }

        if (Trust.Channels != 1 || Trust.Width != content.Width || Trust.Height != content.Height)
        {
            problems.Add($"The temporal prior's trust mask is {Trust.Width}×{Trust.Height}×{Trust.Channels}: it must be one channel at the content's {content.Width}×{content.Height}.");
        }

        if (!float.IsFinite(Weight) || Weight < 0)
        {
            problems.Add($"The temporal weight is {Weight}: use 0 (warm start only) or a positive number.");
        }

        return problems;
    }
}
