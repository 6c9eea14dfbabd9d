namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Sliced Wasserstein-1 distance between the pixel sets of two images, treating each pixel's channels as a point.
/// Directions and pixel samples come from a fixed seed, so a figure is reproducible run to run, and the same image
/// is always sampled the same way (an image compared with itself gives exactly 0).
/// </summary>
public sealed class SlicedWasserstein
{
    public const int DefaultDirections = 128;
    public const int DefaultMaxSamples = 40_000;
    public const int DefaultSeed = 20_240_611;

    private readonly float[][] directions;
    private readonly int maxSamples;
    private readonly int seed;

    public SlicedWasserstein(int dimensions, int directionCount = DefaultDirections, int maxSamples = DefaultMaxSamples, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(directionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        Dimensions = dimensions;
        this.maxSamples = maxSamples;
        this.seed = seed;
        directions = RandomUnitVectors(dimensions, directionCount, new Random(seed));
    }

    public int Dimensions { get; }

    public double Distance(PlanarImage first, PlanarImage second) => DistancesTo(first, second)[0];

    /// <summary>
    /// The distance from <paramref name="reference"/> to each of <paramref name="others"/>, projecting and
    /// sorting the reference only once per direction.
    /// </summary>
    public double[] DistancesTo(PlanarImage reference, params PlanarImage[] others)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(others);
        var referenceSample = Sample(reference);
        var otherSamples = others.Select(Sample).ToArray();
        var perDirection = new double[directions.Length, others.Length];

        Parallel.For(
            0,
            directions.Length,
            () => new ProjectionBuffers(referenceSample.Count, otherSamples.Select(sample => sample.Count).DefaultIfEmpty(0).Max()),
            (d, _, buffers) =>
            {
                var referenceProjection = buffers.Reference.AsSpan();
                referenceSample.Project(directions[d], referenceProjection);
                buffers.Sorter.Sort(referenceProjection);
                for (var o = 0; o < otherSamples.Length; o++)
                {
                    var projection = buffers.Other.AsSpan(0, otherSamples[o].Count);
                    otherSamples[o].Project(directions[d], projection);
                    buffers.Sorter.Sort(projection);
                    perDirection[d, o] = WassersteinOne(referenceProjection, projection);
                }

                return buffers;
            },
            _ => { });

        var distances = new double[others.Length];
        for (var o = 0; o < others.Length; o++)
        {
            for (var d = 0; d < directions.Length; d++)
            {
                distances[o] += perDirection[d, o];
            }

            distances[o] /= directions.Length;
        }

        return distances;
    }

    /// <summary>
    /// W1 between two 1-D empirical distributions given sorted samples: the area between their quantile functions.
    /// The step functions change at multiples of 1/n and 1/m; walking those breakpoints in integer units of
    /// 1/(n·m) handles unequal sizes exactly.
    /// </summary>
    internal static double WassersteinOne(ReadOnlySpan<float> sortedA, ReadOnlySpan<float> sortedB)
    {
        long n = sortedA.Length;
        long m = sortedB.Length;
        if (n == 0 || m == 0)
        {
            throw new ArgumentException("Both samples need at least one value.");
        }

        double area = 0;
        if (n == m)
        {
            for (var i = 0; i < sortedA.Length; i++)
            {
                area += Math.Abs(sortedA[i] - sortedB[i]);
            }

            return area / n;
        }

        long previous = 0;
        int a = 0, b = 0;
        while (a < n && b < m)
        {
            var nextA = (a + 1) * m;
            var nextB = (b + 1) * n;
            var next = Math.Min(nextA, nextB);
            area += (next - previous) * (double)Math.Abs(sortedA[a] - sortedB[b]);
            previous = next;
            if (nextA == next)
            {
                a++;
            }

            if (nextB == next)
            {
                b++;
            }
        }

        return area / (n * m);
    }

    private PointSample Sample(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels != Dimensions)
        {
            throw new ArgumentException(
                $"This distance compares {Dimensions}-channel images but got one with {image.Channels} channels.", nameof(image));
        }

        var pixels = image.PlaneLength;
        var count = Math.Min(pixels, maxSamples);
        var chosen = new int[pixels];
        for (var i = 0; i < pixels; i++)
        {
            chosen[i] = i;
        }

        if (count < pixels)
        {
            // Partial Fisher–Yates from a fresh generator: a uniform sample without replacement that depends only
            // on the pixel count, so identical images give identical samples.
            var random = new Random(seed ^ pixels);
            for (var i = 0; i < count; i++)
            {
                var j = random.Next(i, pixels);
                (chosen[i], chosen[j]) = (chosen[j], chosen[i]);
            }

            Array.Sort(chosen, 0, count);
        }

        var coordinates = new float[Dimensions * count];
        for (var c = 0; c < Dimensions; c++)
        {
            ReadOnlySpan<float> plane = image.Plane(c);
            var target = coordinates.AsSpan(c * count, count);
            for (var i = 0; i < count; i++)
            {
                target[i] = plane[chosen[i]];
            }
        }

        return new PointSample(coordinates, count, Dimensions);
    }

    private static float[][] RandomUnitVectors(int dimensions, int count, Random random)
    {
        var vectors = new float[count][];
        for (var v = 0; v < count; v++)
        {
            var components = new double[dimensions];
            double norm;
            do
            {
                for (var c = 0; c < dimensions; c++)
                {
                    components[c] = StandardNormal(random);
                }

                norm = Math.Sqrt(components.Sum(x => x * x));
            }
            while (norm < 1e-9);

            vectors[v] = Array.ConvertAll(components, x => (float)(x / norm));
        }

        return vectors;
    }

    /// <summary>Box–Muller; isotropic Gaussian vectors normalised are uniform on the sphere.</summary>
    private static double StandardNormal(Random random)
    {
        var u = 1.0 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v);
    }

    /// <summary>Sampled points stored coordinate-major, so a projection is a few vectorised multiply-adds.</summary>
    private sealed class PointSample(float[] coordinates, int count, int dimensions)
    {
        public int Count => count;

        public void Project(float[] direction, Span<float> projection)
        {
            projection.Clear();
            for (var c = 0; c < dimensions; c++)
            {
                SpanMath.MultiplyAdd(coordinates.AsSpan(c * count, count), direction[c], projection);
            }
        }
    }

    private sealed class ProjectionBuffers(int referenceCount, int otherCount)
    {
        public float[] Reference { get; } = new float[referenceCount];

        public float[] Other { get; } = new float[otherCount];

        public FloatRadixSort Sorter { get; } = new(Math.Max(referenceCount, otherCount));
    }
}
