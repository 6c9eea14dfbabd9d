using OrleansStyle.Imaging;
using OrleansStyle.Neural.Style.Color;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>An affine colour map x' = M x + b on RGB in [0, 1] (M row-major 3×3).</summary>
public sealed record ColorAffine(float[] Matrix, float[] Offset);

/// <summary>
/// Gives an AdaIN result its styles' palette. A decoder trained on a handful of paintings reproduces their
/// strokes but only part of an unseen painting's colours; matching the result's colour mean and covariance to the
/// style mixture's (per region, Gatys et al. 2017's colour transfer in the other direction) restores them. The maps
/// are measured once (on the whole result, or on a thumbnail's for tiled renders) and applied per pixel, so tiles of
/// one picture get exactly the same colours.
/// </summary>
public static class StyleColors
{
    /// <summary>One map per region: the result (under the region's mask) onto the region's weighted style images.</summary>
    public static IReadOnlyList<ColorAffine> Measure(PlanarImage result, IReadOnlyList<FeedForwardRegion> regions)
    {
        using var scope = NewDisposeScope();
        var image = result.ToTensor();
        var maps = new List<ColorAffine>(regions.Count);
        foreach (var region in regions)
        {
            var mask = region.Mask?.ToTensor();
            var (sourceMean, sourceCovariance) = ColorTransfer.ColorStatistics(image, mask);
            var (referenceMean, referenceCovariance) = Mixture(region.Styles);
            var matrix = ColorTransfer.MatrixPower(referenceCovariance, 0.5).matmul(ColorTransfer.MatrixPower(sourceCovariance, -0.5));
            var offset = referenceMean.to(float64).sub(matrix.matmul(sourceMean.to(float64)));
            maps.Add(new ColorAffine(Values(matrix), Values(offset)));
        }

        return maps;
    }

    /// <summary>Applies each region's map where its mask is (shares where masks overlap); uncovered pixels stay.</summary>
    public static PlanarImage Apply(PlanarImage image, IReadOnlyList<ColorAffine> maps, IReadOnlyList<PlanarImage?> masks)
    {
        if (maps.Count != masks.Count || maps.Count == 0)
        {
            throw new ArgumentException($"Give one colour map per region ({masks.Count} regions, {maps.Count} maps).", nameof(maps));
        }

        using var scope = NewDisposeScope();
        var pixels = image.ToTensor();
        var height = pixels.shape[2];
        var width = pixels.shape[3];
        var flat = pixels.reshape(3, -1);
        if (maps.Count == 1 && masks[0] is null)
        {
            return Map(flat, maps[0]).reshape(pixels.shape).ClampToUnit().ToPlanarImage();
        }

        var maskTensors = masks.Select(m => m?.ToTensor()).ToList();
        var (shares, coverage) = RegionTensors.Shares(maskTensors, height, width, pixels.device);
        var output = pixels.mul(coverage.neg().Plus(1f));
        for (var r = 0; r < maps.Count; r++)
        {
            output = output.Plus(Map(flat, maps[r]).reshape(pixels.shape).mul(shares[r]));
        }

        return output.ClampToUnit().ToPlanarImage();
    }

    private static Tensor Map(Tensor flat, ColorAffine map) =>
        tensor(map.Matrix, [3, 3], device: flat.device).matmul(flat).Plus(tensor(map.Offset, [3, 1], device: flat.device));

    /// <summary>Mean and covariance of the styles' pixels pooled with their weights (and style masks).</summary>
    private static (Tensor Mean, Tensor Covariance) Mixture(IReadOnlyList<StyleChoice> styles)
    {
        var weights = RegionTensors.Normalised(styles);
        var mean = zeros(3, dtype: float64);
        var secondMoment = zeros(3, 3, dtype: float64);
        for (var i = 0; i < styles.Count; i++)
        {
            var image = styles[i].Image ?? throw new ArgumentException($"Style '{styles[i].Name}' has no image: style colours need the painting.");
            var (styleMean, styleCovariance) = ColorTransfer.ColorStatistics(image.ToTensor(), styles[i].ImageMask?.ToTensor());
            var m = styleMean.to(float64);
            mean = mean.Plus(m.Times(weights[i]));
            secondMoment = secondMoment.Plus(styleCovariance.Plus(m.unsqueeze(1).matmul(m.unsqueeze(0))).Times(weights[i]));
        }

        return (mean, secondMoment.sub(mean.unsqueeze(1).matmul(mean.unsqueeze(0))));
    }

    private static float[] Values(Tensor tensor) => [.. tensor.to(float32).contiguous().data<float>()];
}
