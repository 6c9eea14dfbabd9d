using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Imaging.Tests.Quality;

public sealed class SlicedWassersteinTests
{
    [Fact]
    public void One_dimensional_distance_handles_unequal_sample_sizes_exactly()
    {
        Assert.Equal(1.0 / 6, SlicedWasserstein.WassersteinOne([0f, 1f], [0f, 0.5f, 1f]), 12);
        Assert.Equal(2.0, SlicedWasserstein.WassersteinOne([1f, 2f, 3f], [3f, 4f, 5f]), 12);
        Assert.Equal(1.5, SlicedWasserstein.WassersteinOne([0f], [1f, 2f]), 12);
    }

    [Fact]
    public void Image_against_itself_is_zero()
    {
        var photo = TestPhotos.YellowFlower256;

        Assert.Equal(0.0, new SlicedWasserstein(3).Distance(photo, photo.Clone()));
    }

    [Fact]
    public void Shifted_colours_give_about_half_the_shift_in_three_dimensions()
    {
        // For a translation t, W1 along direction u is |u·t|, and E|u·t| = |t|/2 over the 3-D sphere.
        var photo = TestPhotos.YellowFlower256;
        var shifted = photo.Clone();
        foreach (ref var value in shifted.Plane(0))
        {
            value += 0.4f;
        }

        var distance = new SlicedWasserstein(3).Distance(photo, shifted);

        Assert.InRange(distance, 0.2 * 0.85, 0.2 * 1.15);
    }

    [Fact]
    public void Large_sets_are_subsampled_deterministically()
    {
        var big = new PlanarImage(300, 200, 2);
        var random = new Random(3);
        for (var i = 0; i < big.Data.Length; i++)
        {
            big.Data[i] = (float)random.NextDouble();
        }

        var other = big.Resize(150, 100);

        var first = new SlicedWasserstein(2, maxSamples: 10_000).Distance(big, other);
        var second = new SlicedWasserstein(2, maxSamples: 10_000).Distance(big, other);

        Assert.Equal(first, second);
        Assert.True(first > 0);
    }

    [Fact]
    public void Channel_count_must_match_the_dimensions() =>
        Assert.Throws<ArgumentException>(() => new SlicedWasserstein(3).Distance(new PlanarImage(4, 4, 3), new PlanarImage(4, 4, 2)));
}
