using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Style.Color;
using OrleansStyle.Neural.Style.Optimization;
using OrleansStyle.Neural.Tensors;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class FeedForwardStylizerTests
{
    [Fact]
    public void Repeated_inference_leaks_no_tensors()
    {
        using var multi = RandomModel(2);
        using var adain = RandomAdaIn();
        var left = TestImages.Mask(64, 48, (x, _) => x < 32 ? 1f : 0f);
        var right = TestImages.Mask(64, 48, (x, _) => x < 32 ? 0f : 1f);
        var multiStylizer = new FeedForwardStylizer(multi);
        var adainStylizer = new FeedForwardStylizer(adain);

        TensorLeaks.AssertNoLeak(() => multiStylizer.Stylise(FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(0), StyleChoice.Trained(1)) with { StatisticsSource = StarryNight.Value }), 3);
        TensorLeaks.AssertNoLeak(() => multiStylizer.Stylise(new FeedForwardRequest(Content.Value, [new(left, [StyleChoice.Trained(0)]), new(right, [StyleChoice.Trained(1)])]) { Color = ColorMode.MatchContentColors }), 3);
        TensorLeaks.AssertNoLeak(() => adainStylizer.Stylise(FeedForwardRequest.Everywhere(Content.Value, StyleChoice.FromImage(StarryNight.Value)) with { Alpha = 0.5f, StatisticsSource = Content.Value }), 3);
        TensorLeaks.AssertNoLeak(() => adainStylizer.Stylise(new FeedForwardRequest(Content.Value, [new(left, [StyleChoice.FromImage(StarryNight.Value)]), new(right, [StyleChoice.FromImage(Scream.Value)])]) { Color = ColorMode.LuminanceOnly }), 3);
    }

    [Fact]
    public void Pixels_outside_every_region_keep_the_content()
    {
        using var model = RandomModel(2);
        var left = TestImages.Mask(64, 48, (x, _) => x < 32 ? 1f : 0f);
        var result = model.Stylise(Content.Value, [new FeedForwardRegion(left, [StyleChoice.Trained(1)])]);

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 48; y++)
            {
                Assert.Equal(Content.Value.Row(c, y)[32..].ToArray(), result.Row(c, y)[32..].ToArray());
                Assert.NotEqual(Content.Value.Row(c, y)[..32].ToArray(), result.Row(c, y)[..32].ToArray());
            }
        }
    }

    [Fact]
    public void A_full_mask_is_the_same_as_no_mask()
    {
        using var model = RandomModel(2);
        var everywhere = TestImages.Mask(64, 48, (_, _) => 1f);
        var masked = model.Stylise(Content.Value, [new FeedForwardRegion(everywhere, [StyleChoice.Trained(0, 0.3f), StyleChoice.Trained(1, 0.7f)])]);
        var global = model.Stylise(Content.Value, StyleChoice.Trained(0, 0.3f), StyleChoice.Trained(1, 0.7f));
        Assert.True(global.Data.Zip(masked.Data).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
    }

    [Theory]
    [InlineData(ColorMode.LuminanceOnly, false)]
    [InlineData(ColorMode.PreserveContentColors, false)]
    [InlineData(ColorMode.LuminanceOnly, true)]
    [InlineData(ColorMode.PreserveContentColors, true)]
    public void Luminance_modes_keep_the_content_chroma(ColorMode mode, bool adain)
    {
        using IStyleModel model = adain ? RandomAdaIn() : RandomModel(1);
        var style = adain ? StyleChoice.FromImage(StarryNight.Value) : StyleChoice.Trained(0);
        var request = FeedForwardRequest.Everywhere(Content.Value, style) with { Color = mode };

        var plain = new FeedForwardStylizer(model).Stylise(request with { Color = ColorMode.Style });
        var result = new FeedForwardStylizer(model).Stylise(request);

        Assert.True(StylisationQuality.ChromaDistance(result, Content.Value) <= 2.0, $"chroma distance {StylisationQuality.ChromaDistance(result, Content.Value)}");
        Assert.True(StylisationQuality.ChromaDistance(plain, Content.Value) > 4.0, "the plain result already had the content's colours");
    }

    [Fact]
    public void Matching_content_colours_recolours_a_trained_result_towards_the_photo()
    {
        using var model = RandomModel(1);
        var request = FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(0));

        var plain = new FeedForwardStylizer(model).Stylise(request);
        var matched = new FeedForwardStylizer(model).Stylise(request with { Color = ColorMode.MatchContentColors });

        var contentMean = TestImages.MeanLab(Content.Value, null);
        Assert.True(Distance(TestImages.MeanLab(matched, null), contentMean) < Distance(TestImages.MeanLab(plain, null), contentMean));
    }

    [Fact]
    public void Matching_content_colours_recolours_the_AdaIn_style_image()
    {
        using var model = RandomAdaIn();
        var request = FeedForwardRequest.Everywhere(Content.Value, StyleChoice.FromImage(StarryNight.Value)) with { Color = ColorMode.MatchContentColors };
        var matched = new FeedForwardStylizer(model).Stylise(request);

        PlanarImage recoloured;
        using (NewDisposeScope())
        {
            recoloured = ColorTransfer.MatchMeanCovariance(StarryNight.Value.ToTensor(), Content.Value.ToTensor()).ToPlanarImage();
        }

        Assert.Equal(model.Stylise(Content.Value, StyleChoice.FromImage(recoloured)).Data, matched.Data);
        Assert.NotEqual(model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value)).Data, matched.Data);
    }

    [Fact]
    public void Size_and_masks_drawn_at_another_resolution_are_fitted()
    {
        using var model = RandomModel(1);
        var mask = TestImages.Mask(128, 96, (x, _) => x < 64 ? 1f : 0f);
        var result = new FeedForwardStylizer(model).Stylise(new FeedForwardRequest(Content.Value, [new(mask, [StyleChoice.Trained(0)])]) { Size = 32 });
        Assert.Equal((32, 24), (result.Width, result.Height));
    }

    [Fact]
    public void Statistics_from_the_content_itself_change_nothing()
    {
        using var model = RandomModel(2);
        var stylizer = new FeedForwardStylizer(model);
        var request = FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(0), StyleChoice.Trained(1));
        var own = stylizer.Stylise(request);
        var frozen = stylizer.Stylise(request with { StatisticsSource = Content.Value });
        var other = stylizer.Stylise(request with { StatisticsSource = Scream.Value });

        Assert.True(own.Data.Zip(frozen.Data).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
        Assert.True(own.Data.Zip(other.Data).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f);
    }

    [Fact]
    public void Statistics_captured_once_render_as_a_statistics_source_does_and_stay_usable()
    {
        using var model = RandomModel(2);
        var stylizer = new FeedForwardStylizer(model);
        var request = FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(0), StyleChoice.Trained(1));
        var fromSource = stylizer.Stylise(request with { StatisticsSource = Scream.Value });
        using var captured = stylizer.CaptureStatistics(request with { StatisticsSource = Scream.Value });

        var first = stylizer.Stylise(request with { Statistics = captured });
        var second = stylizer.Stylise(request with { Statistics = captured }); // the stylizer must not dispose the caller's statistics

        Assert.NotNull(captured);
        Assert.True(fromSource.Data.Zip(first.Data).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
        Assert.Equal(first.Data, second.Data);
        Assert.Null(stylizer.CaptureStatistics(request));
    }

    [Theory]
    [InlineData(false, "choose a trained style index 0–1")]
    [InlineData(true, "applies to AdaIN models only")]
    public void Bad_requests_for_trained_models_say_what_to_fix(bool alpha, string expected)
    {
        using var model = RandomModel(2);
        var request = FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(alpha ? 0 : 2)) with { Alpha = alpha ? 0.5f : 1f };
        var error = Assert.Throws<ArgumentException>(() => new FeedForwardStylizer(model).Stylise(request));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void An_AdaIn_model_needs_style_images()
    {
        using var model = RandomAdaIn();
        var error = Assert.Throws<ArgumentException>(() => new FeedForwardStylizer(model).Stylise(FeedForwardRequest.Everywhere(Content.Value, StyleChoice.Trained(0))));
        Assert.Contains("needs a style image", error.Message);
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b).Sum(p => (p.First - p.Second) * (p.First - p.Second)));
}
