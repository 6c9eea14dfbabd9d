namespace OrleansStyle.Imaging.Tests;

/// <summary>Resampling on a grid fixed by the scale, which tiled stroke-scale renders rely on.</summary>
public sealed class ResizeByScaleTests
{
    [Theory]
    [InlineData(2.0, ResamplingKernel.Tent)]
    [InlineData(61.0 / 32, ResamplingKernel.Tent)]
    [InlineData(0.5, ResamplingKernel.Tent)]
    [InlineData(0.5, ResamplingKernel.Lanczos3)]
    [InlineData(32.0 / 61, ResamplingKernel.Lanczos3)]
    public void A_crop_at_a_multiple_of_the_scale_resamples_to_the_crop_of_the_whole_result(double scale, ResamplingKernel kernel)
    {
        var image = Noise(200, 150, 3, seed: 5);
        var whole = image.ResizeByScale(Length(200, scale), Length(150, scale), scale, kernel);

        // A window whose origin is a whole number of target pixels in: the grids coincide.
        var origin = scale >= 1 ? (int)Math.Round(64 * scale) : 32;
        var offset = (int)Math.Round(origin / scale);
        var window = image.Crop(origin, 0, 200 - origin, 150);
        var part = window.ResizeByScale(Length(window.Width, scale), Length(150, scale), scale, kernel);

        // Away from the window's own left edge (the kernel reaches a few target pixels over it) the values agree.
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < part.Height; y++)
            {
                for (var x = 8; x < part.Width - 8; x++)
                {
                    Assert.Equal(whole.Row(c, y)[x + offset], part.Row(c, y)[x], 1e-5f);
                }
            }
        }
    }

    [Fact]
    public void Shrinking_by_two_then_enlarging_keeps_a_constant_and_a_slow_ramp()
    {
        var ramp = new PlanarImage(64, 32, 1);
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                ramp.Row(0, y)[x] = x / 64f;
            }
        }

        var back = ramp.ResizeByScale(32, 16, 2).ResizeByScale(64, 32, 0.5);

        for (var x = 4; x < 60; x++)
        {
            Assert.Equal(x / 64f, back.Row(0, 10)[x], 1e-4f);
        }
    }

    [Fact]
    public void A_non_positive_scale_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PlanarImage(4, 4, 1).ResizeByScale(2, 2, 0));

    private static int Length(int length, double scale) => (int)Math.Ceiling(length / scale);

    private static PlanarImage Noise(int width, int height, int channels, int seed)
    {
        var random = new Random(seed);
        var image = new PlanarImage(width, height, channels);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = (float)random.NextDouble();
        }

        return image;
    }
}
