using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Features;

/// <summary>
/// A frozen CNN that maps RGB images in [0, 1] ([N,3,H,W]) to activations at named taps. Used as the
/// perceptual loss network and as the AdaIN encoder; gradients flow to the input image, never to the weights.
/// </summary>
public abstract class FeatureNetwork : nn.Module
{
    protected FeatureNetwork(string name)
        : base(name)
    {
    }

    /// <summary>Tap names in forward order.</summary>
    public abstract IReadOnlyList<string> Taps { get; }

    /// <summary>Spatial stride of each tap relative to the input image.</summary>
    public abstract int Stride(string tap);

    /// <summary>
    /// Runs the network up to the deepest requested tap. The returned tensors belong to the caller's
    /// dispose scope; nothing else created here outlives the call.
    /// </summary>
    public abstract IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> taps);

    /// <summary>Freezes the weights and switches to inference behaviour (BatchNorm uses its running statistics).</summary>
    public FeatureNetwork Freeze()
    {
        foreach (var parameter in parameters())
        {
            parameter.requires_grad = false;
        }

        eval();
        return this;
    }

    protected void ThrowOnUnknownTaps(IReadOnlyCollection<string> taps)
    {
        var unknown = taps.Where(t => !Taps.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown tap(s) {string.Join(", ", unknown)} for {GetName()}; available: {string.Join(", ", Taps)}.", nameof(taps));
        }
    }

    protected static void ThrowOnBadImage(Tensor image)
    {
        if (image.dim() != 4 || image.shape[1] != 3)
        {
            throw new ArgumentException($"Expected an RGB batch [N,3,H,W]; got [{string.Join(',', image.shape)}].", nameof(image));
        }
    }
}
