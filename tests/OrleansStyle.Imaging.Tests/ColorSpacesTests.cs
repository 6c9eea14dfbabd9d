using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Imaging.Tests;

public sealed class ColorSpacesTests
{
    private static readonly Lazy<PlanarImage> FullPhoto = new(() => TestPhotos.LoadFull(SampleImages.Content("storm")));

    [Fact]
    public void Yiq_round_trip_on_a_photo_is_within_1e4() =>
        Assert.True(MaxDifference(FullPhoto.Value, ColorSpaces.YiqToRgb(ColorSpaces.RgbToYiq(FullPhoto.Value))) <= 1e-4);

    [Fact]
    public void Yuv_round_trip_on_a_photo_is_within_1e4() =>
        Assert.True(MaxDifference(FullPhoto.Value, ColorSpaces.YuvToRgb(ColorSpaces.RgbToYuv(FullPhoto.Value))) <= 1e-4);

    [Fact]
    public void Lab_round_trip_on_a_photo_is_within_1e3()
    {
        var error = MaxDifference(FullPhoto.Value, ColorSpaces.LabToRgb(ColorSpaces.RgbToLab(FullPhoto.Value)));

        Assert.True(error <= 1e-3, $"Max error {error}.");
    }

    [Fact]
    public void Lab_matches_reference_values()
    {
        var lab = ColorSpaces.RgbToLab(Pixels((1, 1, 1), (0, 0, 0), (1, 0, 0), (0, 0, 1), (0.5f, 0.5f, 0.5f)));

        AssertPixel(lab, 0, (100, 0, 0), 1e-3);
        AssertPixel(lab, 1, (0, 0, 0), 1e-3);
        AssertPixel(lab, 2, (53.24, 80.09, 67.20), 0.02);
        AssertPixel(lab, 3, (32.30, 79.19, -107.86), 0.02);
        AssertPixel(lab, 4, (53.39, 0, 0), 0.02);
    }

    [Fact]
    public void Yiq_and_yuv_match_reference_values()
    {
        var colours = Pixels((1, 1, 1), (1, 0, 0), (0, 0, 1));

        var yiq = ColorSpaces.RgbToYiq(colours);
        var yuv = ColorSpaces.RgbToYuv(colours);

        AssertPixel(yiq, 0, (1, 0, 0), 1e-4);
        AssertPixel(yiq, 1, (0.299, 0.5959, 0.2115), 1e-4);
        AssertPixel(yuv, 0, (1, 0, 0), 1e-4);
        AssertPixel(yuv, 1, (0.299, -0.14713, 0.615), 1e-4);
        AssertPixel(yuv, 2, (0.114, 0.436, -0.10001), 1e-4);
    }

    [Fact]
    public void Chroma_distance_is_per_pixel_ab_distance()
    {
        var first = new PlanarImage(2, 1, 3, [50, 50, 0, 0, 0, 0]);
        var second = new PlanarImage(2, 1, 3, [10, 90, 3, 0, 4, 0]);

        var distance = ColorSpaces.ChromaDistance(first, second);

        Assert.Equal([5f, 0f], distance.Data);
        Assert.All(ColorSpaces.ChromaDistance(second, second).Data, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Wrong_channel_count_is_refused() =>
        Assert.Throws<ArgumentException>(() => ColorSpaces.RgbToLab(new PlanarImage(2, 2, 1)));

    private static PlanarImage Pixels(params (float R, float G, float B)[] colours)
    {
        var image = new PlanarImage(colours.Length, 1, 3);
        for (var i = 0; i < colours.Length; i++)
        {
            image.Plane(0)[i] = colours[i].R;
            image.Plane(1)[i] = colours[i].G;
            image.Plane(2)[i] = colours[i].B;
        }

        return image;
    }

    private static void AssertPixel(PlanarImage image, int index, (double A, double B, double C) expected, double tolerance)
    {
        Assert.Equal(expected.A, image.Plane(0)[index], tolerance);
        Assert.Equal(expected.B, image.Plane(1)[index], tolerance);
        Assert.Equal(expected.C, image.Plane(2)[index], tolerance);
    }

    private static double MaxDifference(PlanarImage expected, PlanarImage actual)
    {
        var max = 0.0;
        for (var i = 0; i < expected.Data.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected.Data[i] - actual.Data[i]));
        }

        return max;
    }
}
