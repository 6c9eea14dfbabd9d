namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Per-pixel Gabor energy: the magnitude of complex, zero-mean Gabor responses at wavelengths 4, 8 and 16 px
/// (σ = 0.56·λ, kernel radius ⌈3σ⌉) and orientations 0°, 45°, 90°, 135°, as a 12-channel image ordered
/// wavelength-major (λ=4: 0°, 45°, 90°, 135°; λ=8: …). Each kernel is scaled so its Gaussian envelope sums to 1,
/// so a matching sinusoid of amplitude A gives about A/2 at every wavelength.
/// </summary>
/// <remarks>
/// With an isotropic envelope a rotated Gabor is still separable: exp(−(x²+y²)/2σ²)·exp(i(kₓx + k_yy)) is the
/// product of a complex 1-D kernel in x and one in y. The zero-mean correction subtracts K times the (separable)
/// envelope, so each response costs two 1-D passes plus a shared Gaussian blur per wavelength instead of a
/// (6σ+1)² direct convolution — about 25× less work at λ = 16.
/// </remarks>
public static class GaborEnergy
{
    public const double SigmaPerWavelength = 0.56;

    public static IReadOnlyList<double> Wavelengths { get; } = [4.0, 8.0, 16.0];

    public static IReadOnlyList<double> OrientationsDegrees { get; } = [0.0, 45.0, 90.0, 135.0];

    public static int FeatureCount => Wavelengths.Count * OrientationsDegrees.Count;

    public static PlanarImage Compute(PlanarImage luminance)
    {
        ArgumentNullException.ThrowIfNull(luminance);
        if (luminance.Channels != 1)
        {
            throw new ArgumentException($"Gabor energy needs a 1-channel image but this one has {luminance.Channels}.", nameof(luminance));
        }

        var width = luminance.Width;
        var height = luminance.Height;
        var source = luminance.Data;
        var result = new PlanarImage(width, height, FeatureCount);

        var envelopes = Wavelengths.Select(wavelength => Envelope(wavelength)).ToArray();
        var blurred = new float[Wavelengths.Count][];
        Parallel.For(0, Wavelengths.Count, w => blurred[w] = SeparableConvolution.Blur(source, width, height, envelopes[w]));

        Parallel.For(0, FeatureCount, feature =>
        {
            var w = feature / OrientationsDegrees.Count;
            var filter = GaborFilter.Create(Wavelengths[w], OrientationsDegrees[feature % OrientationsDegrees.Count]);
            filter.Magnitude(source, blurred[w], width, height, result.Plane(feature));
        });

        return result;
    }

    private static float[] Envelope(double wavelength)
    {
        var sigma = SigmaPerWavelength * wavelength;
        return SeparableConvolution.GaussianKernel(sigma, (int)Math.Ceiling(3 * sigma));
    }

    private sealed class GaborFilter
    {
        private readonly float[] xReal;
        private readonly float[] xImaginary;
        private readonly float[] yReal;
        private readonly float[] yImaginary;
        private readonly float meanCorrection;

        private GaborFilter(float[] xReal, float[] xImaginary, float[] yReal, float[] yImaginary, float meanCorrection)
        {
            this.xReal = xReal;
            this.xImaginary = xImaginary;
            this.yReal = yReal;
            this.yImaginary = yImaginary;
            this.meanCorrection = meanCorrection;
        }

        public static GaborFilter Create(double wavelength, double orientationDegrees)
        {
            var sigma = SigmaPerWavelength * wavelength;
            var radius = (int)Math.Ceiling(3 * sigma);
            var angle = orientationDegrees * Math.PI / 180;
            var frequency = 2 * Math.PI / wavelength;
            var (xReal, xImaginary, xSum, xEnvelopeSum) = Carrier(sigma, radius, frequency * Math.Cos(angle));
            var (yReal, yImaginary, ySum, yEnvelopeSum) = Carrier(sigma, radius, frequency * Math.Sin(angle));

            // Both 1-D carriers are normalised by their envelope sums, so the 2-D envelope sums to 1 and the
            // kernel's DC gain is xSum·ySum (real, by symmetry). Subtracting that much of the normalised envelope
            // (a Gaussian blur) makes the kernel zero-mean: flat regions respond with exactly 0.
            var dcGain = xSum * ySum / (xEnvelopeSum * yEnvelopeSum);
            return new GaborFilter(
                Scale(xReal, xEnvelopeSum),
                Scale(xImaginary, xEnvelopeSum),
                Scale(yReal, yEnvelopeSum),
                Scale(yImaginary, yEnvelopeSum),
                (float)dcGain);
        }

        public void Magnitude(float[] source, float[] blurred, int width, int height, Span<float> magnitude)
        {
            var length = source.Length;
            var rowReal = new float[length];
            var rowImaginary = new float[length];
            SeparableConvolution.Rows(source, rowReal, width, height, xReal);
            SeparableConvolution.Rows(source, rowImaginary, width, height, xImaginary);

            // (a + ib)(c + id) = (ac − bd) + i(ad + bc), one column pass per product.
            var real = new float[length];
            var imaginary = new float[length];
            SeparableConvolution.AddColumns(rowReal, real, width, height, yReal);
            SeparableConvolution.AddColumns(rowImaginary, real, width, height, yImaginary, -1f);
            SeparableConvolution.AddColumns(rowImaginary, imaginary, width, height, yReal);
            SeparableConvolution.AddColumns(rowReal, imaginary, width, height, yImaginary);

            for (var i = 0; i < length; i++)
            {
                var zeroMeanReal = real[i] - (meanCorrection * blurred[i]);
                magnitude[i] = MathF.Sqrt((zeroMeanReal * zeroMeanReal) + (imaginary[i] * imaginary[i]));
            }
        }

        private static (float[] Real, float[] Imaginary, double Sum, double EnvelopeSum) Carrier(double sigma, int radius, double frequency)
        {
            var real = new float[(2 * radius) + 1];
            var imaginary = new float[real.Length];
            var sum = 0.0;
            var envelopeSum = 0.0;
            for (var i = 0; i < real.Length; i++)
            {
                var offset = i - radius;
                var envelope = Math.Exp(-(offset * offset) / (2 * sigma * sigma));
                var cosine = envelope * Math.Cos(frequency * offset);
                real[i] = (float)cosine;
                imaginary[i] = (float)(envelope * Math.Sin(frequency * offset));
                sum += cosine;
                envelopeSum += envelope;
            }

            return (real, imaginary, sum, envelopeSum);
        }

        private static float[] Scale(float[] values, double divisor) =>
            Array.ConvertAll(values, value => (float)(value / divisor));
    }
}
