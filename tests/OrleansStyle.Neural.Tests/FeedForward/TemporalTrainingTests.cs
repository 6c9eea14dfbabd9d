using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Training;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;

namespace OrleansStyle.Neural.Tests.FeedForward;

/// <summary>The temporal training term (synthetic motion of still crops, Ruder et al. 2018 / ReCoNet).</summary>
public sealed class TemporalTrainingTests
{
    /// <summary>Two 25-step runs with a second forward pass each (minutes on two shared cores), so on demand.</summary>
    [Fact]
    [Trait("Category", "OnDemand")]
    public void A_temporal_weight_teaches_the_network_to_move_its_output_with_the_picture()
    {
        // Same seed, crops and synthetic motions; one run weights the term, the other only measures it (weight ≈ 0).
        var consistent = Train(temporalWeight: 300f);
        var measuredOnly = Train(temporalWeight: 1e-6f);

        var trained = consistent.TakeLast(5).Average(l => l.Temporal);
        var untrained = measuredOnly.TakeLast(5).Average(l => l.Temporal);
        Assert.All(consistent.Concat(measuredOnly), l => Assert.True(float.IsFinite(l.Temporal) && l.Temporal > 0));
        Assert.True(trained < 0.7 * untrained, $"temporal term with weight {trained:E3} vs without {untrained:E3}");
    }

    [Fact]
    public void The_temporal_term_is_refused_for_adain_and_for_negative_weights()
    {
        Assert.NotEmpty((TrainingOptions.For(StyleModelKind.AdaIn) with { TemporalWeight = 1 }).Validate(TestNetworks.ResNet18.Taps));
        Assert.NotEmpty((TrainingOptions.For(StyleModelKind.Multi) with { TemporalWeight = -1 }).Validate(TestNetworks.ResNet18.Taps));
        Assert.Empty((TrainingOptions.For(StyleModelKind.Multi) with { TemporalWeight = 10 }).Validate(TestNetworks.ResNet18.Taps));
    }

    private static List<TrainingLosses> Train(float temporalWeight)
    {
        var options = TrainingOptions.For(StyleModelKind.Single) with
        {
            Size = 64,
            Batch = 2,
            Steps = 25,
            LearningRate = 2e-3f,
            Width = Tiny.Width,
            ResidualBlocks = Tiny.ResidualBlocks,
            Seed = 7,
            TemporalWeight = temporalWeight,
        };
        using var trainer = FeedForwardTrainer.Create(TestNetworks.ResNet18, options, Photos, Styles("starry_night"));
        return [.. Enumerable.Range(0, 25).Select(_ => trainer.TrainStep())];
    }
}
