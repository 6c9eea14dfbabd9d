using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Imaging.Tests.Quality;

public sealed class GaborEnergyTests
{
    [Fact]
    public void Flat_image_has_no_energy_because_kernels_are_zero_mean()
    {
        var flat = new PlanarImage(64, 48, 1);
        flat.Data.AsSpan().Fill(73f);

        var energy = GaborEnergy.Compute(flat);

        Assert.Equal(12, energy.Channels);
        Assert.All(energy.Data, value => Assert.True(value < 1e-3, $"Energy {value} on a flat image."));
    }

    [Theory]
    [InlineData(4.0, 0)]
    [InlineData(8.0, 1)]
    [InlineData(16.0, 2)]
    public void Vertical_stripes_excite_the_matching_wavelength_at_zero_degrees(double wavelength, int wavelengthIndex)
    {
        const float Amplitude = 10f;
        var stripes = new PlanarImage(128, 128, 1);
        for (var y = 0; y < 128; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                stripes.Data[(y * 128) + x] = 50f + (Amplitude * MathF.Cos((float)(2 * Math.PI * x / wavelength)));
            }
        }

        var energy = GaborEnergy.Compute(stripes);
        var centre = (64 * 128) + 64;
        var features = Enumerable.Range(0, 12).Select(f => energy.Plane(f)[centre]).ToArray();
        var matching = wavelengthIndex * 4;

        Assert.Equal(matching, Array.IndexOf(features, features.Max()));
        Assert.Equal(Amplitude / 2, features[matching], Amplitude * 0.1);
        Assert.True(features[matching + 2] < 0.01 * features[matching], "The 90° filter should not see vertical stripes.");
    }

    [Fact]
    public void Computing_a_256_px_image_gives_twelve_channels_at_full_size()
    {
        var lightness = ColorSpaces.RgbToLab(TestPhotos.YellowFlower256).ExtractChannel(0);

        var energy = GaborEnergy.Compute(lightness);

        Assert.Equal((256, 160, 12), (energy.Width, energy.Height, energy.Channels));
    }
}
