namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Row and column passes of a separable filter over one plane, with mirrored borders. Each tap is a vectorised
/// multiply-add over a whole row, which is what keeps the Gabor bank and SSIM windows fast.
/// </summary>
internal static class SeparableConvolution
{
    /// <summary>target = source ⋆ kernel along each row (kernel centre at index radius).</summary>
    public static void Rows(ReadOnlySpan<float> source, Span<float> target, int width, int height, ReadOnlySpan<float> kernel)
    {
        var radius = kernel.Length / 2;
        var padded = new float[width + (2 * radius)];
        for (var y = 0; y < height; y++)
        {
            var sourceRow = source.Slice(y * width, width);
            for (var i = 0; i < padded.Length; i++)
            {
                padded[i] = sourceRow[SpanMath.Reflect(i - radius, width)];
            }

            var targetRow = target.Slice(y * width, width);
            targetRow.Clear();
            for (var tap = 0; tap < kernel.Length; tap++)
            {
                if (kernel[tap] != 0f)
                {
                    SpanMath.MultiplyAdd(padded.AsSpan(tap, width), kernel[tap], targetRow);
                }
            }
        }
    }

    /// <summary>target += sign · (source ⋆ kernel along each column).</summary>
    public static void AddColumns(ReadOnlySpan<float> source, Span<float> target, int width, int height, ReadOnlySpan<float> kernel, float sign = 1f)
    {
        var radius = kernel.Length / 2;
        for (var y = 0; y < height; y++)
        {
            var targetRow = target.Slice(y * width, width);
            for (var tap = 0; tap < kernel.Length; tap++)
            {
                if (kernel[tap] != 0f)
                {
                    var sourceY = SpanMath.Reflect(y + tap - radius, height);
                    SpanMath.MultiplyAdd(source.Slice(sourceY * width, width), sign * kernel[tap], targetRow);
                }
            }
        }
    }

    public static float[] Blur(ReadOnlySpan<float> source, int width, int height, ReadOnlySpan<float> kernel)
    {
        var rowsDone = new float[source.Length];
        Rows(source, rowsDone, width, height, kernel);
        var result = new float[source.Length];
        AddColumns(rowsDone, result, width, height, kernel);
        return result;
    }

    /// <summary>A normalised Gaussian sampled at integer offsets −radius…radius.</summary>
    public static float[] GaussianKernel(double sigma, int radius)
    {
        var weights = new double[(2 * radius) + 1];
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            var offset = i - radius;
            weights[i] = Math.Exp(-(offset * offset) / (2 * sigma * sigma));
            total += weights[i];
        }

        return Array.ConvertAll(weights, weight => (float)(weight / total));
    }
}
