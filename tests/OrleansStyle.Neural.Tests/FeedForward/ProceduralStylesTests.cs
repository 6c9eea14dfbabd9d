using OrleansStyle.Neural.FeedForward.Training;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class ProceduralStylesTests
{
    public static TheoryData<ProceduralStyleKind> AllKinds => [.. Enum.GetValues<ProceduralStyleKind>()];

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Each_kind_paints_a_seeded_rgb_image_of_the_requested_size(ProceduralStyleKind kind)
    {
        var image = ProceduralStyles.Generate(kind, seed: 5, width: 96, height: 64);
        var again = ProceduralStyles.Generate(kind, seed: 5, width: 96, height: 64);
        var other = ProceduralStyles.Generate(kind, seed: 6, width: 96, height: 64);

        Assert.Equal((96, 64, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(image.Data, again.Data);
        Assert.NotEqual(image.Data, other.Data);
        Assert.All(image.Data, v => Assert.InRange(v, 0f, 1f));
        var mean = image.Data.Average();
        var spread = Math.Sqrt(image.Data.Average(v => (v - mean) * (v - mean)));
        Assert.True(spread > 0.02, $"{kind} painted an almost flat image (std {spread:F4})");
    }

    [Fact]
    public void A_procedural_set_cycles_through_the_kinds_and_depends_on_the_seed()
    {
        var data = TrainingData.Procedural(8, seed: 1, size: 48);
        Assert.Equal(8, data.Count);
        Assert.Equal(data.Image(3).Data, TrainingData.Procedural(8, seed: 1, size: 48).Image(3).Data);
        Assert.NotEqual(data.Image(3).Data, TrainingData.Procedural(8, seed: 2, size: 48).Image(3).Data);
        Assert.Equal(ProceduralStyles.Generate(1, 3, 48, 48).Data, data.Image(3).Data);
    }

    [Fact]
    public void Augmented_crops_are_seeded_and_keep_size_and_range()
    {
        var crop = ProceduralStyles.Generate(ProceduralStyleKind.BrushStrokes, seed: 2, width: 40, height: 40);
        var augmented = StyleAugmentation.Apply(crop, 11UL << 40);

        Assert.Equal((40, 40, 3), (augmented.Width, augmented.Height, augmented.Channels));
        Assert.Equal(augmented.Data, StyleAugmentation.Apply(crop, 11UL << 40).Data);
        Assert.NotEqual(augmented.Data, StyleAugmentation.Apply(crop, 12UL << 40).Data);
        Assert.All(augmented.Data, v => Assert.InRange(v, 0f, 1f));
        Assert.Throws<ArgumentException>(() => StyleAugmentation.Apply(ProceduralStyles.Generate(ProceduralStyleKind.Dabs, 1, 40, 30), 1));
    }
}
