namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// The stylisation figures defined in shared/quality.md. Inputs are RGB planar images (0–1) of any size;
/// palette, texture and structure work on copies shrunk to a 256 px long side and converted to CIE Lab (D65).
/// </summary>
public static class StylisationQuality
{
    public const int AnalysisLongSide = 256;

    /// <summary>SSIM stabilisers for L in 0–100: (0.01·100)² and (0.03·100)².</summary>
    public const double StructureC1 = 1;
    public const double StructureC2 = 9;

    public static StylisationScores Measure(PlanarImage output, PlanarImage content, PlanarImage style)
    {
        var outputLab = AnalysisLab(output);
        var contentLab = AnalysisLab(content);
        var styleLab = AnalysisLab(style);
        return new StylisationScores(
            SwdRatio(outputLab, contentLab, styleLab),
            SwdRatio(GaborOfLightness(outputLab), GaborOfLightness(contentLab), GaborOfLightness(styleLab)),
            StructureOfAnalysed(output, outputLab, contentLab));
    }

    /// <summary>SWD(output, style) / SWD(content, style) over Lab pixel colours; NaN when content and style match exactly.</summary>
    public static double Palette(PlanarImage output, PlanarImage content, PlanarImage style) =>
        SwdRatio(AnalysisLab(output), AnalysisLab(content), AnalysisLab(style));

    /// <summary>SWD(output, style) / SWD(content, style) over per-pixel Gabor energies of L; NaN when content and style match exactly.</summary>
    public static double Texture(PlanarImage output, PlanarImage content, PlanarImage style) =>
        SwdRatio(
            GaborOfLightness(AnalysisLab(output)),
            GaborOfLightness(AnalysisLab(content)),
            GaborOfLightness(AnalysisLab(style)));

    /// <summary>Mean SSIM of L; the output is first resized to the content's size when they differ.</summary>
    public static double Structure(PlanarImage output, PlanarImage content)
    {
        var contentLab = AnalysisLab(content);
        return StructureOfAnalysed(output, AnalysisLab(output), contentLab);
    }

    /// <summary>
    /// Mean Euclidean distance of Lab (a, b) at full size; ≤ 2 reads as indistinguishable. The output is resized
    /// to the content's size when they differ.
    /// </summary>
    public static double ChromaDistance(PlanarImage output, PlanarImage content)
    {
        RequireRgb(output);
        RequireRgb(content);
        var matched = output.Size == content.Size ? output : output.Resize(content.Width, content.Height);
        var distance = ColorSpaces.ChromaDistance(ColorSpaces.RgbToLab(matched), ColorSpaces.RgbToLab(content));
        return Mean(distance.Data);
    }

    /// <summary>
    /// Peak signal-to-noise ratio in dB on the 8-bit scale (peak 255) over all channels. Identical images give
    /// <see cref="double.PositiveInfinity"/>; one grey level everywhere gives 48.13 dB.
    /// </summary>
    public static double Psnr(PlanarImage first, PlanarImage second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Width != second.Width || first.Height != second.Height || first.Channels != second.Channels)
        {
            throw new ArgumentException(
                $"PSNR needs images of one shape, but got {first.Width}×{first.Height}×{first.Channels} and {second.Width}×{second.Height}×{second.Channels}.");
        }

        ReadOnlySpan<float> a = first.Data;
        ReadOnlySpan<float> b = second.Data;
        var sumOfSquares = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var difference = (a[i] - (double)b[i]) * 255.0;
            sumOfSquares += difference * difference;
        }

        var meanSquaredError = sumOfSquares / a.Length;
        return meanSquaredError == 0
            ? double.PositiveInfinity
            : 10 * Math.Log10(255.0 * 255.0 / meanSquaredError);
    }

    private static double StructureOfAnalysed(PlanarImage output, PlanarImage outputLab, PlanarImage contentLab)
    {
        var matchedLab = outputLab.Size == contentLab.Size
            ? outputLab
            : ColorSpaces.RgbToLab(output.Resize(contentLab.Width, contentLab.Height));
        return StructuralSimilarity.Mean(matchedLab.ExtractChannel(0), contentLab.ExtractChannel(0), StructureC1, StructureC2);
    }

    private static double SwdRatio(PlanarImage output, PlanarImage content, PlanarImage style)
    {
        var distances = new SlicedWasserstein(output.Channels).DistancesTo(style, output, content);
        return distances[1] == 0 ? double.NaN : distances[0] / distances[1];
    }

    private static PlanarImage AnalysisLab(PlanarImage rgb)
    {
        RequireRgb(rgb);
        return ColorSpaces.RgbToLab(rgb.FitWithin(AnalysisLongSide));
    }

    private static PlanarImage GaborOfLightness(PlanarImage lab) => GaborEnergy.Compute(lab.ExtractChannel(0));

    private static void RequireRgb(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != 3)
        {
            throw new ArgumentException($"Expected an RGB (3-channel) image but this one has {image.Channels} channels.", nameof(image));
        }
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        var total = 0.0;
        foreach (var value in values)
        {
            total += value;
        }

        return total / values.Length;
    }
}
