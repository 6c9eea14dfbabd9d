namespace OrleansStyle.Imaging.Tests;

public sealed class ResizeTests
{
    [Theory]
    [InlineData(1024, 768, 256, 256, 192)]
    [InlineData(600, 800, 256, 192, 256)]
    [InlineData(200, 100, 256, 200, 100)]
    [InlineData(5000, 3, 256, 256, 1)]
    public void Fit_within_keeps_the_aspect_ratio(int width, int height, int maxSide, int expectedWidth, int expectedHeight) =>
        Assert.Equal(new ImageSize(expectedWidth, expectedHeight), new ImageSize(width, height).FitWithin(maxSide));

    [Fact]
    public void Fit_within_returns_the_same_image_when_it_already_fits()
    {
        var image = new PlanarImage(10, 20, 3);

        Assert.Same(image, image.FitWithin(20));
        Assert.Equal(new ImageSize(5, 10), image.FitWithin(10).Size);
    }

    [Fact]
    public void Constant_image_stays_constant_at_any_size()
    {
        var image = new PlanarImage(37, 23, 2);
        image.Plane(0).Fill(0.25f);
        image.Plane(1).Fill(0.75f);

        foreach (var (width, height) in new[] { (11, 7), (80, 50), (37, 5), (1, 1) })
        {
            var resized = image.Resize(width, height);
            Assert.All(resized.Plane(0).ToArray(), value => Assert.Equal(0.25f, value, 1e-6f));
            Assert.All(resized.Plane(1).ToArray(), value => Assert.Equal(0.75f, value, 1e-6f));
        }
    }

    [Fact]
    public void Shrinking_averages_instead_of_aliasing()
    {
        // A one-pixel checkerboard shrunk by 4 must come out mid-grey, not black or white.
        var checkerboard = new PlanarImage(64, 64, 1);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                checkerboard.Data[(y * 64) + x] = (x + y) % 2;
            }
        }

        var small = checkerboard.Resize(16, 16);

        Assert.All(small.Data, value => Assert.Equal(0.5f, value, 0.02f));
    }

    [Fact]
    public void Enlarging_interpolates_linearly_between_pixel_centres()
    {
        var two = new PlanarImage(2, 1, 1, [0f, 1f]);

        var four = two.Resize(4, 1);

        Assert.Equal([0f, 0.25f, 0.75f, 1f], four.Data);
    }

    [Fact]
    public void Same_size_is_an_exact_copy()
    {
        var image = PlanarImageTests.Ramp(7, 5, 3);

        var resized = image.Resize(7, 5);

        Assert.NotSame(image, resized);
        Assert.Equal(image.Data, resized.Data);
    }

    [Fact]
    public void Photo_mean_is_preserved_when_shrinking()
    {
        var photo = TestPhotos.YellowFlower256;

        var small = photo.Resize(64, 48);

        for (var channel = 0; channel < 3; channel++)
        {
            Assert.Equal(photo.Plane(channel).ToArray().Average(), small.Plane(channel).ToArray().Average(), 0.01);
        }
    }
}
