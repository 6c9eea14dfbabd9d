using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Tensors;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class WctTests
{
    [Fact]
    public void Transformed_features_take_the_style_mean_and_full_covariance()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var content = randn(1, 6, 7, 8, generator: generator);

        // Correlated style channels, so matching variances alone would not match the covariance.
        var mixing = randn(6, 6, generator: generator);
        var style = mixing.matmul(randn(6, 90, generator: generator)).Plus(randn(6, 1, generator: generator)).reshape(1, 6, 9, 10);

        var (contentMean, contentCovariance) = Wct.Statistics(content);
        var (styleMean, styleCovariance) = Wct.Statistics(style);
        var result = Wct.Apply(content, contentMean, Wct.Power(contentCovariance, -0.5), styleMean, Wct.Power(styleCovariance, 0.5));

        var (mean, covariance) = Wct.Statistics(result);
        Assert.True(MaxDifference(mean, styleMean) < 1e-4f, $"mean error {MaxDifference(mean, styleMean)}");
        var error = covariance.sub(styleCovariance).abs().max().item<double>() / styleCovariance.abs().max().item<double>();
        Assert.True(error < 1e-4, $"relative covariance error {error}");
        var (_, adainCovariance) = Wct.Statistics(AdaIn.Apply(content, style));
        Assert.True(adainCovariance.sub(styleCovariance).abs().max().item<double>() / styleCovariance.abs().max().item<double>() > 0.05, "AdaIN alone already matches the covariance: the test style is not correlated enough");
    }

    [Fact]
    public void A_masked_region_is_measured_under_its_mask()
    {
        using var scope = NewDisposeScope();
        var features = cat([ones(1, 2, 4, 4), ones(1, 2, 4, 4).Times(5f)], 3);
        var mask = cat([ones(1, 1, 4, 4), zeros(1, 1, 4, 4)], 3);

        var (mean, covariance) = Wct.Statistics(features, mask);
        Assert.Equal([1f, 1f], Values(mean));
        Assert.True(covariance.abs().max().item<double>() < 1e-9);
    }

    [Fact]
    public void Wct_renders_keep_alpha_mixtures_and_frozen_statistics_working()
    {
        using var model = RandomAdaIn();
        model.Transform = FeatureTransform.Wct;
        model.BorderPadding = 0;
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(StyleChoice.FromImage(StarryNight.Value))];

        var styled = model.Stylise(Content.Value, regions);
        var reconstruction = model.Stylise(Content.Value, regions, alpha: 0f);
        model.Transform = FeatureTransform.AdaIn;
        var adain = model.Stylise(Content.Value, regions);
        Assert.Equal(reconstruction.Data, model.Stylise(Content.Value, regions, alpha: 0f).Data);
        Assert.NotEqual(adain.Data, styled.Data);

        model.Transform = FeatureTransform.Wct;
        var onlyStarry = model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value, 1f), StyleChoice.FromImage(Scream.Value, 0f));
        Assert.Equal(styled.Data, onlyStarry.Data);

        using var statistics = model.CaptureStatistics(Content.Value, regions);
        var frozen = model.Stylise(Content.Value, regions, statistics: statistics);
        Assert.True(styled.Data.Zip(frozen.Data).Max(p => Math.Abs(p.First - p.Second)) < 1e-4f);

        // The whitening matrices do not fit the snapshot format the farm sends between machines.
        Assert.Throws<InvalidOperationException>(() => statistics.ToSnapshot());
        TensorLeaks.AssertNoLeak(() => model.Stylise(Content.Value, regions, statistics: statistics), repetitions: 2);
    }
}
