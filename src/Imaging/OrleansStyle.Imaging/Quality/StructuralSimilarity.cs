namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Mean SSIM (Wang et al. 2004) between two 1-channel images with a Gaussian window. Borders are mirrored, so
/// every pixel counts and images smaller than the window still work.
/// </summary>
public static class StructuralSimilarity
{
    public const double DefaultWindowSigma = 1.5;

    /// <param name="c1">Stabiliser for the means, (0.01·range)²; 1 for Lab L in 0–100.</param>
    /// <param name="c2">Stabiliser for the variances, (0.03·range)²; 9 for Lab L in 0–100.</param>
    public static double Mean(PlanarImage first, PlanarImage second, double c1, double c2, double windowSigma = DefaultWindowSigma)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Channels != 1 || second.Channels != 1 || first.Width != second.Width || first.Height != second.Height)
        {
            throw new ArgumentException(
                $"SSIM needs two 1-channel images of one size, but got {first.Width}×{first.Height}×{first.Channels} and {second.Width}×{second.Height}×{second.Channels}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowSigma);
        var width = first.Width;
        var height = first.Height;
        var x = first.Data;
        var y = second.Data;
        var kernel = SeparableConvolution.GaussianKernel(windowSigma, (int)((3.5 * windowSigma) + 0.5));

        var products = new float[3][];
        products[0] = Multiply(x, x);
        products[1] = Multiply(y, y);
        products[2] = Multiply(x, y);
        var sources = new[] { x, y, products[0], products[1], products[2] };
        var blurred = new float[sources.Length][];
        Parallel.For(0, sources.Length, i => blurred[i] = SeparableConvolution.Blur(sources[i], width, height, kernel));

        var meanX = blurred[0];
        var meanY = blurred[1];
        var total = 0.0;
        for (var i = 0; i < meanX.Length; i++)
        {
            double mx = meanX[i];
            double my = meanY[i];
            var varianceX = blurred[2][i] - (mx * mx);
            var varianceY = blurred[3][i] - (my * my);
            var covariance = blurred[4][i] - (mx * my);
            total += ((2 * mx * my) + c1) * ((2 * covariance) + c2)
                / (((mx * mx) + (my * my) + c1) * (varianceX + varianceY + c2));
        }

        return total / meanX.Length;
    }

    private static float[] Multiply(float[] a, float[] b)
    {
        var result = new float[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            result[i] = a[i] * b[i];
        }

        return result;
    }
}
