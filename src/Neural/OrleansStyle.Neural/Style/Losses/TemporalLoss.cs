using static TorchSharp.torch;

namespace OrleansStyle.Neural.Style.Losses;

/// <summary>
/// The short-term temporal loss of Ruder et al. 2016: (1/D) Σ c ⊙ (x − ω)², where ω is the previous result warped onto
/// this frame, c the per-pixel trust (broadcast over the colour channels) and D the number of values in the image.
/// </summary>
public static class TemporalLoss
{
    public static Tensor Compute(Tensor image, Tensor warpedPrevious, Tensor trust) =>
        image.sub(warpedPrevious).square().mul(trust).mean();
}
