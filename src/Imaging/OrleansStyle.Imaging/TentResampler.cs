namespace OrleansStyle.Imaging;

/// <summary>
/// Separable resampling with a tent kernel on pixel centres (or, to enlarge on request, Lanczos-3). Enlarging is plain bilinear interpolation;
/// shrinking by a factor s widens the tent to s source pixels either side so the result is an area-weighted
/// average instead of aliasing. Borders renormalise the weights, which equals clamping to the edge pixel.
/// </summary>
internal static class TentResampler
{
    public static PlanarImage Resize(PlanarImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == source.Width && height == source.Height)
        {
            return source.Clone();
        }

        return Resize(source, width, height, (double)source.Width / width, (double)source.Height / height);
    }

    /// <summary>
    /// Resamples on a grid fixed by <paramref name="scale"/> (source pixels per target pixel) rather than by the two
    /// sizes: target pixel i is centred on source position (i + ½)·scale. A crop starting at a multiple of the scale
    /// therefore resamples to the matching crop of the whole image's result (away from the crop's own edges).
    /// </summary>
    public static PlanarImage ResizeByScale(PlanarImage source, int width, int height, double scale, ResamplingKernel kernel = ResamplingKernel.Tent)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be a positive number of source pixels per target pixel.");
        }

        return Resize(source, width, height, scale, scale, kernel);
    }

    private static PlanarImage Resize(PlanarImage source, int width, int height, double scaleX, double scaleY, ResamplingKernel kernel = ResamplingKernel.Tent)
    {
        var horizontal = TentWeights.Create(source.Width, width, scaleX, kernel);
        var vertical = TentWeights.Create(source.Height, height, scaleY, kernel);
        var result = new PlanarImage(width, height, source.Channels);
        var sourceWidth = source.Width;
        var sourceHeight = source.Height;

        for (var channel = 0; channel < source.Channels; channel++)
        {
            var sourcePlane = source.Data;
            var sourceOffset = channel * source.PlaneLength;
            var targetOffset = channel * result.PlaneLength;
            var rowsResized = new float[sourceHeight * width];

            RowBands.For(sourceHeight, (long)width * horizontal.MaxTaps, (first, end) =>
            {
                for (var y = first; y < end; y++)
                {
                    var sourceRow = sourcePlane.AsSpan(sourceOffset + (y * sourceWidth), sourceWidth);
                    var targetRow = rowsResized.AsSpan(y * width, width);
                    for (var x = 0; x < width; x++)
                    {
                        targetRow[x] = horizontal.Apply(x, sourceRow);
                    }
                }
            });

            var target = result.Data;
            RowBands.For(height, (long)width * vertical.MaxTaps, (first, end) =>
            {
                for (var y = first; y < end; y++)
                {
                    var targetRow = target.AsSpan(targetOffset + (y * width), width);
                    var start = vertical.Starts[y];
                    var weights = vertical.WeightsOf(y);
                    for (var tap = 0; tap < weights.Length; tap++)
                    {
                        SpanMath.MultiplyAdd(rowsResized.AsSpan((start + tap) * width, width), weights[tap], targetRow);
                    }
                }
            });
        }

        return result;
    }

    private sealed class TentWeights
    {
        private readonly float[] weights;
        private readonly int[] counts;

        private TentWeights(int[] starts, int[] counts, float[] weights, int maxTaps)
        {
            Starts = starts;
            this.counts = counts;
            this.weights = weights;
            MaxTaps = maxTaps;
        }

        public int[] Starts { get; }

        public int MaxTaps { get; }

        public ReadOnlySpan<float> WeightsOf(int output) => weights.AsSpan(output * MaxTaps, counts[output]);

        public float Apply(int output, ReadOnlySpan<float> source)
        {
            var taps = WeightsOf(output);
            var values = source.Slice(Starts[output], taps.Length);
            var sum = 0f;
            for (var tap = 0; tap < taps.Length; tap++)
            {
                sum += taps[tap] * values[tap];
            }

            return sum;
        }

        public static TentWeights Create(int sourceLength, int targetLength, double scale, ResamplingKernel kernel)
        {
            var lanczos = kernel == ResamplingKernel.Lanczos3 && scale < 1;
            var support = lanczos ? 3.0 : Math.Max(scale, 1.0);
            var maxTaps = (int)Math.Ceiling(support * 2) + 2;
            var starts = new int[targetLength];
            var counts = new int[targetLength];
            var weights = new float[targetLength * maxTaps];
            var raw = new double[maxTaps];

            for (var output = 0; output < targetLength; output++)
            {
                var centre = (output + 0.5) * scale;
                var first = Math.Max(0, (int)Math.Floor(centre - support));
                var end = Math.Min(sourceLength, (int)Math.Ceiling(centre + support));
                var total = 0.0;
                var count = 0;
                for (var index = first; index < end && count < maxTaps; index++)
                {
                    var weight = lanczos ? Lanczos3(index + 0.5 - centre) : Math.Max(0.0, 1.0 - (Math.Abs(index + 0.5 - centre) / support));
                    raw[count++] = weight;
                    total += weight;
                }

                if (!(total > 0))
                {
                    // A grid fixed by the scale may centre the last target pixel past the source's end: take the edge pixel.
                    first = Math.Clamp((int)Math.Floor(centre), 0, sourceLength - 1);
                    raw[0] = total = 1;
                    count = 1;
                }

                starts[output] = first;
                counts[output] = count;
                for (var tap = 0; tap < count; tap++)
                {
                    weights[(output * maxTaps) + tap] = (float)(raw[tap] / total);
                }
            }

            return new TentWeights(starts, counts, weights, maxTaps);
        }

        private static double Lanczos3(double x)
        {
            if (Math.Abs(x) < 1e-9)
            {
                return 1;
            }

            if (Math.Abs(x) >= 3)
            {
                return 0;
            }

            var px = Math.PI * x;
            return 3 * Math.Sin(px) * Math.Sin(px / 3) / (px * px);
        }
    }
}
