using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Tensors;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class AdaInTests
{
    [Fact]
    public void Transferred_features_carry_the_style_mean_and_std()
    {
        using var model = RandomAdaIn();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var content = model.Encode(Content.Value.ToTensor());
        var style = model.Encode(StarryNight.Value.ToTensor());

        var transferred = model.TransferFeatures(content, model.PrepareRegions([FeedForwardRegion.Everywhere(StyleChoice.FromImage(StarryNight.Value))], 64, 48), null);

        var (mean, std) = AdaIn.Statistics(transferred);
        var (styleMean, styleStd) = AdaIn.Statistics(style);
        var live = LiveChannels(content);
        Assert.True(live.shape[0] > 100, $"only {live.shape[0]} of 128 channels vary");
        Assert.True(MaxDifference(mean, styleMean) <= 1e-4f, $"mean error {MaxDifference(mean, styleMean)}");
        Assert.True(MaxDifference(std.index_select(1, live), styleStd.index_select(1, live)) <= 1e-4f);
    }

    [Fact]
    public void Each_masked_region_takes_its_own_style_statistics()
    {
        using var model = RandomAdaIn();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var content = model.Encode(Content.Value.ToTensor());

        // Halves aligned with the stride-8 feature grid: columns 0–31 and 32–63.
        var left = TestImages.Mask(64, 48, (x, _) => x < 32 ? 1f : 0f);
        var right = TestImages.Mask(64, 48, (x, _) => x < 32 ? 0f : 1f);
        var regions = model.PrepareRegions(
            [new FeedForwardRegion(left, [StyleChoice.FromImage(StarryNight.Value)]), new FeedForwardRegion(right, [StyleChoice.FromImage(Scream.Value)])], 64, 48);
        var transferred = model.TransferFeatures(content, regions, null);

        var (leftMean, _) = AdaIn.Statistics(transferred[.., .., .., ..4]);
        var (rightMean, _) = AdaIn.Statistics(transferred[.., .., .., 4..]);
        var (starryMean, _) = AdaIn.Statistics(model.Encode(StarryNight.Value.ToTensor()));
        var (screamMean, _) = AdaIn.Statistics(model.Encode(Scream.Value.ToTensor()));
        Assert.True(MaxDifference(leftMean, starryMean) <= 1e-4f);
        Assert.True(MaxDifference(rightMean, screamMean) <= 1e-4f);
    }

    [Fact]
    public void Alpha_zero_is_the_decoders_reconstruction_of_the_content()
    {
        using var model = RandomAdaIn();
        model.BorderPadding = 0; // the decoder's own reconstruction, compared pixel for pixel
        var result = model.Stylise(Content.Value, [FeedForwardRegion.Everywhere(StyleChoice.FromImage(StarryNight.Value))], alpha: 0f);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var reconstruction = model.Decode(model.Encode(Content.Value.ToTensor()), 48, 64).ToPlanarImage();
        Assert.Equal(reconstruction.Data, result.Data);

        var styled = model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value));
        Assert.NotEqual(reconstruction.Data, styled.Data);
    }

    [Fact]
    public void Style_weights_interpolate_and_a_one_hot_mixture_is_the_single_style()
    {
        using var model = RandomAdaIn();
        var starry = model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value));
        var scream = model.Stylise(Content.Value, StyleChoice.FromImage(Scream.Value));
        var onlyStarry = model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value, 1f), StyleChoice.FromImage(Scream.Value, 0f));
        var mixed = model.Stylise(Content.Value, StyleChoice.FromImage(StarryNight.Value, 0.5f), StyleChoice.FromImage(Scream.Value, 0.5f));

        Assert.Equal(starry.Data, onlyStarry.Data);
        Assert.NotEqual(starry.Data, mixed.Data);
        Assert.NotEqual(scream.Data, mixed.Data);
    }

    [Fact]
    public void Frozen_statistics_of_the_content_itself_change_nothing()
    {
        using var model = RandomAdaIn();
        FeedForwardRegion[] regions = [FeedForwardRegion.Everywhere(StyleChoice.FromImage(StarryNight.Value))];
        using var statistics = model.CaptureStatistics(Content.Value, regions);
        var own = model.Stylise(Content.Value, regions);
        var frozen = model.Stylise(Content.Value, regions, statistics: statistics);
        Assert.True(own.Data.Zip(frozen.Data).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
    }

    /// <summary>Channels the content actually varies in (ReLU features can be constant zero; AdaIN maps those to the style mean only).</summary>
    private static Tensor LiveChannels(Tensor features)
    {
        var (variance, _) = var_mean(features, [2, 3], unbiased: false, keepdim: false);
        return variance[0].GreaterThan(1e-2f).nonzero().squeeze(1);
    }
}
