namespace OrleansStyle.Imaging.Temporal;

/// <summary>
/// Temporal consistency at inference: each stylised frame is blended, in order, with the previous blended result
/// warped along the content's optical flow, where the occlusion mask trusts the warp and the warped content agrees
/// with the current content (so wrong flow does not ghost). Disoccluded regions and scene changes take the new frame
/// as it is. The blend is recursive, so a trackable point's colour is an exponential moving average along its path.
/// Stateful and sequential: feed frames in display order, one blender per clip (per shot).
/// </summary>
public sealed class TemporalBlender
{
    private readonly TemporalBlendOptions _options;
    private PlanarImage? _previousContent;
    private PlanarImage? _previousResult;

    /// <summary>
    /// How many times smaller per side the blend's flows are computed: a quarter of the full-size cost, with the
    /// blended clip's E_warp (measured with full-size flow) as low as with full-size flow (docs/video.md).
    /// </summary>
    public const int FlowDownscale = 2;

    public TemporalBlender(TemporalBlendOptions? options = null)
    {
        _options = (options ?? TemporalBlendOptions.Default).Validate();
    }

    /// <summary>
    /// The blended frame for <paramref name="content"/> (frame t of the clip, RGB 0–1) stylised as
    /// <paramref name="stylised"/> (same size). The first frame passes through unchanged.
    /// </summary>
    public PlanarImage Blend(PlanarImage content, PlanarImage stylised) => Blend(content, stylised, motion: null);

    /// <summary>
    /// As <see cref="Blend(PlanarImage, PlanarImage)"/> with the motion from the previous content frame to this one
    /// already estimated (<see cref="EstimateMotion"/>): flow depends on content frames only, so a pipeline can
    /// compute it in parallel, ahead of the sequential blend. Null estimates it here.
    /// </summary>
    public PlanarImage Blend(PlanarImage content, PlanarImage stylised, FrameMotion? motion)
    {
        if (content.Size != stylised.Size)
        {
            throw new ArgumentException($"The content frame is {content.Width}×{content.Height}; its stylised frame is {stylised.Width}×{stylised.Height}.");
        }

        var result = stylised;
        if (_previousContent is { } previousContent && _previousResult is { } previousResult && previousContent.Size == content.Size && _options.Weight > 0)
        {
            result = Blend(motion ?? EstimateMotion(previousContent, content), previousContent, previousResult, content, stylised);
        }

        _previousContent = content;
        _previousResult = result;
        return result;
    }

    /// <summary>The motion the blend needs from <paramref name="previous"/> to <paramref name="current"/> (content frames): flows at <see cref="FlowDownscale"/>.</summary>
    public static FrameMotion EstimateMotion(PlanarImage previous, PlanarImage current) => FrameMotion.Estimate(previous, current, FlowDownscale);

    /// <summary>Forgets the previous frame (a cut: the next frame starts afresh).</summary>
    public void Reset()
    {
        _previousContent = null;
        _previousResult = null;
    }

    private PlanarImage Blend(FrameMotion motion, PlanarImage previousContent, PlanarImage previousResult, PlanarImage content, PlanarImage stylised)
    {
        var warpedResult = motion.Backward.Warp(previousResult);
        var warpedContent = motion.Backward.Warp(previousContent);
        var plane = content.PlaneLength;
        var channels = Math.Min(3, content.Channels);
        var blended = stylised.Clone();
        var tolerance2 = _options.ContentTolerance * _options.ContentTolerance;
        for (var i = 0; i < plane; i++)
        {
            if (motion.Trusted[i] == 0)
            {
                continue;
            }

            float d2 = 0;
            for (var c = 0; c < channels; c++)
            {
                var d = content.Data[(c * plane) + i] - warpedContent.Data[(c * plane) + i];
                d2 += d * d;
            }

            var weight = _options.Weight * MathF.Exp(-d2 / tolerance2);
            for (var c = 0; c < stylised.Channels; c++)
            {
                var at = (c * plane) + i;
                blended.Data[at] += weight * (warpedResult.Data[at] - blended.Data[at]);
            }
        }

        return blended;
    }
}
