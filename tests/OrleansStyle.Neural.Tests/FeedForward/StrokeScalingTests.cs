using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class StrokeScalingTests
{
    private const int Width = 256;
    private const int Height = 160;

    private static readonly Lazy<PlanarImage> Photo = new(() => TestImages.Load(SampleImages.Content("garden"), Width, Height));

    private static string Bundled(string name) => Path.Combine(RepositoryRoot.Directory, "models", name + ".safetensors");

    [Fact]
    public void Stroke_scale_2_paints_larger_structures_than_scale_1()
    {
        using var model = StyleModelFile.Load(Bundled("multi4"));
        var stylizer = new FeedForwardStylizer(model);
        var request = FeedForwardRequest.Everywhere(Photo.Value, StyleChoice.Trained(0)) with { StrokeDetail = 0 };

        var native = stylizer.Stylise(request with { StrokeScale = 1 });
        var doubled = stylizer.Stylise(request with { StrokeScale = 2 });

        Assert.Equal((Width, Height), (doubled.Width, doubled.Height));
        var nativeShare = HighFrequencyShare(Residual(native, Photo.Value));
        var doubledShare = HighFrequencyShare(Residual(doubled, Photo.Value));
        Assert.True(doubledShare < 0.7 * nativeShare, $"high-frequency share of the stylisation: {nativeShare:F3} at scale 1, {doubledShare:F3} at scale 2");
    }

    [Fact]
    public void The_photos_fine_detail_added_back_keeps_more_of_its_structure()
    {
        using var model = StyleModelFile.Load(Bundled("multi4"));
        var stylizer = new FeedForwardStylizer(model);
        var request = FeedForwardRequest.Everywhere(Photo.Value, StyleChoice.Trained(1)) with { StrokeScale = 3 };

        var without = StylisationQuality.Structure(stylizer.Stylise(request with { StrokeDetail = 0 }), Photo.Value);
        var with = StylisationQuality.Structure(stylizer.Stylise(request), Photo.Value);

        Assert.True(with > without + 0.05, $"structure {without:F3} without the photo's detail, {with:F3} with it");
    }

    [Theory]
    [InlineData(0f, 256, 1f)]
    [InlineData(0f, 200, 1f)]
    [InlineData(0f, 512, 2f)]
    [InlineData(0f, 1024, 4f)]
    [InlineData(0f, 2048, 8f)]
    [InlineData(0f, 979, 122f / 32)]
    [InlineData(3.01f, 100, 3f)]
    [InlineData(16f, 100, 16f)]
    public void The_automatic_scale_keeps_strokes_as_on_a_256_px_picture_and_scales_are_multiples_of_a_32nd(float requested, int longSide, float expected) =>
        Assert.Equal(expected, StrokeScaling.Resolve(requested, longSide));

    [Theory]
    [InlineData(4096, 128, 8f)]
    [InlineData(4096, 100, 6.25f)]
    [InlineData(100_000, 50_000, 16f)]
    public void The_automatic_scale_leaves_the_short_side_16_pixels_and_stops_at_16(int longSide, int shortSide, float expected) =>
        Assert.Equal(expected, StrokeScaling.Resolve(0, longSide, shortSide));

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-1f)]
    [InlineData(17f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Out_of_range_scales_are_refused_with_the_range(float requested)
    {
        Assert.Contains("1–16", StrokeScaling.Problem(requested), StringComparison.Ordinal);
        using var model = StyleModelFile.Load(Bundled("multi4"));
        var error = Assert.Throws<ArgumentException>(() => new FeedForwardStylizer(model).Stylise(
            FeedForwardRequest.Everywhere(Photo.Value, StyleChoice.Trained(0)) with { StrokeScale = requested }));
        Assert.Contains("Stroke scale", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Luminance of the result minus the photo's: what the stylisation painted.</summary>
    private static float[] Residual(PlanarImage result, PlanarImage photo)
    {
        var residual = new float[result.PlaneLength];
        for (var i = 0; i < residual.Length; i++)
        {
            residual[i] = Luma(result, i) - Luma(photo, i);
        }

        return residual;

        static float Luma(PlanarImage image, int i) =>
            (0.299f * image.Plane(0)[i]) + (0.587f * image.Plane(1)[i]) + (0.114f * image.Plane(2)[i]);
    }

    /// <summary>Share of the residual's variance that a 3×3 box blur removes (border pixels left out).</summary>
    private static double HighFrequencyShare(float[] r)
    {
        const int width = Width, height = Height;
        var mean = r.Average();
        double high = 0, total = 0;
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                var box = 0f;
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        box += r[((y + dy) * width) + x + dx];
                    }
                }

                var value = r[(y * width) + x];
                high += Math.Pow(value - (box / 9), 2);
                total += Math.Pow(value - mean, 2);
            }
        }

        return high / total;
    }
}
