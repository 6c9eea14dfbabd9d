using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Imaging.Tests.Quality;

public sealed class StructuralSimilarityTests
{
    [Fact]
    public void Identical_images_score_exactly_one()
    {
        var lightness = ColorSpaces.RgbToLab(TestPhotos.YellowFlower256).ExtractChannel(0);

        Assert.Equal(1.0, StructuralSimilarity.Mean(lightness, lightness.Clone(), 1, 9));
    }

    [Fact]
    public void Noise_lowers_the_score_and_the_score_is_symmetric()
    {
        var lightness = ColorSpaces.RgbToLab(TestPhotos.YellowFlower256).ExtractChannel(0);
        var noisy = lightness.Clone();
        var random = new Random(5);
        for (var i = 0; i < noisy.Data.Length; i++)
        {
            noisy.Data[i] += (float)((random.NextDouble() - 0.5) * 40);
        }

        var forward = StructuralSimilarity.Mean(lightness, noisy, 1, 9);
        var backward = StructuralSimilarity.Mean(noisy, lightness, 1, 9);

        Assert.InRange(forward, 0.05, 0.9);
        Assert.Equal(forward, backward, 1e-9);
    }

    [Fact]
    public void Images_smaller_than_the_window_still_work()
    {
        var tiny = new PlanarImage(3, 2, 1, [10, 20, 30, 40, 50, 60]);

        Assert.Equal(1.0, StructuralSimilarity.Mean(tiny, tiny, 1, 9), 12);
    }
}
