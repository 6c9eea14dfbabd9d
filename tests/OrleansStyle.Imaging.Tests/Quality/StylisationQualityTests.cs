using OrleansStyle.Imaging.Quality;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;

namespace OrleansStyle.Imaging.Tests.Quality;

public sealed class StylisationQualityTests
{
    private static PlanarImage Content => TestPhotos.YellowFlower256;

    private static PlanarImage Style => TestPhotos.StarryNight256;

    [Fact]
    public void Unchanged_content_scores_one_on_every_figure()
    {
        var scores = StylisationQuality.Measure(Content.Clone(), Content, Style);

        Assert.Equal(1.0, scores.Palette, 12);
        Assert.Equal(1.0, scores.Texture, 12);
        Assert.Equal(1.0, scores.Structure, 12);
    }

    [Fact]
    public void The_style_itself_scores_zero_on_palette_and_texture()
    {
        Assert.Equal(0.0, StylisationQuality.Palette(Style, Content, Style), 12);
        Assert.Equal(0.0, StylisationQuality.Texture(Style, Content, Style), 12);
    }

    [Fact]
    public void Individual_figures_agree_with_measure()
    {
        var output = Content.Clone();
        for (var i = 0; i < output.PlaneLength; i++)
        {
            output.Data[i] = (output.Data[i] * 0.5f) + 0.2f;
        }

        var scores = StylisationQuality.Measure(output, Content, Style);

        Assert.Equal(StylisationQuality.Palette(output, Content, Style), scores.Palette, 12);
        Assert.Equal(StylisationQuality.Texture(output, Content, Style), scores.Texture, 12);
        Assert.Equal(StylisationQuality.Structure(output, Content), scores.Structure, 12);
        Assert.NotEqual(1.0, scores.Palette);
    }

    [Fact]
    public void Blurring_keeps_the_palette_but_loses_structure_and_texture()
    {
        using var image = Content.ToRgb24();
        image.Mutate(context => context.GaussianBlur(3f));
        var blurred = image.ToPlanar();

        var scores = StylisationQuality.Measure(blurred, Content, Style);

        Assert.InRange(scores.Structure, 0.1, 0.9);
        Assert.True(Math.Abs(scores.Texture - 1) > 0.05, $"Texture {scores.Texture} barely moved.");
        Assert.Equal(1.0, scores.Palette, 0.15);
    }

    [Fact]
    public void Output_of_another_size_is_compared_at_the_contents_size()
    {
        var larger = Content.Resize(Content.Width * 2, Content.Height * 2);

        Assert.True(StylisationQuality.Structure(larger, Content) > 0.95);
        Assert.True(StylisationQuality.ChromaDistance(larger, Content) < 1);
    }

    [Fact]
    public void Chroma_distance_is_zero_for_the_same_image_and_grows_when_colour_is_removed()
    {
        var grey = Content.Clone();
        var luma = ColorSpaces.RgbToYiq(Content).Plane(0).ToArray();
        for (var channel = 0; channel < 3; channel++)
        {
            luma.CopyTo(grey.Plane(channel));
        }

        Assert.Equal(0.0, StylisationQuality.ChromaDistance(Content, Content.Clone()));
        Assert.True(StylisationQuality.ChromaDistance(grey, Content) > 2);
    }

    [Fact]
    public void Psnr_is_infinite_for_identical_images_and_48_db_for_one_grey_level()
    {
        using var image = Content.ToRgb24();
        var original = image.ToPlanar();
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                foreach (ref var pixel in accessor.GetRowSpan(y))
                {
                    pixel.R = pixel.R < 255 ? (byte)(pixel.R + 1) : (byte)254;
                    pixel.G = pixel.G > 0 ? (byte)(pixel.G - 1) : (byte)1;
                    pixel.B = pixel.B < 255 ? (byte)(pixel.B + 1) : (byte)254;
                }
            }
        });

        Assert.Equal(double.PositiveInfinity, StylisationQuality.Psnr(original, original.Clone()));
        Assert.Equal(20 * Math.Log10(255), StylisationQuality.Psnr(original, image.ToPlanar()), 0.01);
    }

    [Fact]
    public void Non_rgb_input_is_refused() =>
        Assert.Throws<ArgumentException>(() => StylisationQuality.Palette(new PlanarImage(4, 4, 1), Content, Style));
}
