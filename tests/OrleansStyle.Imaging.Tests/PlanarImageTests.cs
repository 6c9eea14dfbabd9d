using OrleansStyle.Tests.Shared;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests;

public sealed class PlanarImageTests
{
    [Fact]
    public void Rgb_is_stored_channel_by_channel_row_by_row()
    {
        using var image = new Image<Rgb24>(3, 2);
        image[2, 1] = new Rgb24(255, 51, 0);

        var planar = image.ToPlanar();

        Assert.Equal((3, 2, 3), (planar.Width, planar.Height, planar.Channels));
        Assert.Equal(18, planar.Data.Length);
        var pixel = (1 * 3) + 2;
        Assert.Equal(1f, planar.Data[pixel]);
        Assert.Equal(0.2f, planar.Data[6 + pixel]);
        Assert.Equal(0f, planar.Data[12 + pixel]);
        Assert.Equal(0.2f, planar.Plane(1)[pixel]);
        Assert.Equal(0.2f, planar.Row(1, 1)[2]);
    }

    [Fact]
    public void Every_8_bit_value_round_trips_exactly()
    {
        using var image = new Image<Rgb24>(256, 3);
        for (var x = 0; x < 256; x++)
        {
            image[x, 0] = new Rgb24((byte)x, (byte)(255 - x), (byte)(x * 7));
            image[x, 1] = new Rgb24((byte)(x * 13), (byte)x, (byte)(255 - x));
            image[x, 2] = new Rgb24((byte)(x ^ 0x55), (byte)(x * 3), (byte)x);
        }

        using var back = image.ToPlanar().ToRgb24();

        for (var y = 0; y < 3; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                Assert.Equal(image[x, y], back[x, y]);
            }
        }
    }

    [Fact]
    public void Grey_round_trips_exactly()
    {
        using var grey = new Image<L8>(256, 1);
        for (var x = 0; x < 256; x++)
        {
            grey[x, 0] = new L8((byte)x);
        }

        var planar = grey.ToPlanar();
        using var back = planar.ToL8();

        Assert.Equal(1, planar.Channels);
        for (var x = 0; x < 256; x++)
        {
            Assert.Equal(x, back[x, 0].PackedValue);
        }
    }

    [Fact]
    public void Out_of_range_values_clamp_and_round_to_nearest()
    {
        var planar = new PlanarImage(6, 1, 1, [-0.5f, 1.5f, float.NaN, 0.5f / 255f, 0.49f / 255f, 254.6f / 255f]);

        using var grey = planar.ToL8();

        Assert.Equal([0, 255, 0, 1, 0, 255], Enumerable.Range(0, 6).Select(x => (int)grey[x, 0].PackedValue));
    }

    [Fact]
    public void Large_photo_converts_both_ways_exactly()
    {
        using var photo = new SafeImageReader().ReadRgb(SampleImages.Content("storm"));

        var planar = photo.ToPlanar();
        using var back = planar.ToRgb24();

        Assert.Equal(1024, planar.Width);
        Assert.Equal(planar.Data, back.ToPlanar().Data);
    }

    [Fact]
    public void Wrapping_checks_the_array_length()
    {
        var error = Assert.Throws<ArgumentException>(() => new PlanarImage(4, 4, 3, new float[47]));

        Assert.Contains("needs 48 floats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crop_clone_and_channel_extraction_copy()
    {
        var image = Ramp(5, 4, 2);

        var crop = image.Crop(1, 2, 3, 2);
        var clone = image.Clone();
        var second = image.ExtractChannel(1);
        clone.Data[0] = -1;

        Assert.Equal(image.Row(1, 2).Slice(1, 3).ToArray(), crop.Row(1, 0).ToArray());
        Assert.Equal(image.Row(0, 3).Slice(1, 3).ToArray(), crop.Row(0, 1).ToArray());
        Assert.NotEqual(-1, image.Data[0]);
        Assert.Equal(image.Plane(1).ToArray(), second.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => image.Crop(3, 0, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.Plane(2));
    }

    internal static PlanarImage Ramp(int width, int height, int channels)
    {
        var image = new PlanarImage(width, height, channels);
        for (var i = 0; i < image.Data.Length; i++)
        {
            image.Data[i] = i;
        }

        return image;
    }
}
