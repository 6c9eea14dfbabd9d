using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Tensors;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Style;

public sealed class StyleLossTests
{
    public static TheoryData<StyleLossKind> Kinds => [.. Enum.GetValues<StyleLossKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Identical_statistics_give_zero(StyleLossKind kind)
    {
        using var scope = NewDisposeScope();
        var loss = StyleLoss.Create(kind);
        var features = Features(seed: 1, shift: 0f);
        using var target = loss.Target(new WeightedFeatures(features, null));

        var value = loss.Loss(new WeightedFeatures(features, null), target).item<float>();

        Assert.True(Math.Abs(value) < 1e-4, $"{kind}: {value}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Different_statistics_give_a_positive_loss_whose_gradient_reaches_the_features(StyleLossKind kind)
    {
        using var scope = NewDisposeScope();
        var loss = StyleLoss.Create(kind);
        using var target = loss.Target(new WeightedFeatures(Features(seed: 1, shift: 0f), null));
        var generated = Features(seed: 2, shift: 0.8f, spread: 2f).requires_grad_();

        var value = loss.Loss(new WeightedFeatures(generated, null), target);
        value.backward();

        Assert.True(value.item<float>() > 1e-3, $"{kind}: {value.item<float>()}");
        Assert.True(generated.grad!.abs().sum().item<float>() > 0, $"{kind}: no gradient");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Loss_does_not_depend_on_the_number_of_positions(StyleLossKind kind)
    {
        // The same distribution sampled at 4× the positions (a 2× larger image) gives about the same loss.
        using var scope = NewDisposeScope();
        var loss = StyleLoss.Create(kind);
        using var target = loss.Target(new WeightedFeatures(Features(seed: 1, shift: 0f), null));
        var small = loss.Loss(new WeightedFeatures(Features(seed: 3, shift: 0.5f, positions: 2048), null), target).item<float>();
        var large = loss.Loss(new WeightedFeatures(Features(seed: 4, shift: 0.5f, positions: 8192), null), target).item<float>();

        Assert.InRange(large / small, 0.7, 1.4);
    }

    [Fact]
    public void Masked_positions_do_not_count()
    {
        // Half the positions come from the style distribution, half from another one. Masking the other
        // half out makes the Gram loss (nearly) vanish; masking the style half out does not.
        using var scope = NewDisposeScope();
        var loss = new GramLoss();
        using var target = loss.Target(new WeightedFeatures(Features(seed: 1, shift: 0f), null));
        var mixed = cat([Features(seed: 5, shift: 0f), Features(seed: 6, shift: 2f)], 1);
        var firstHalf = cat([ones(4096), zeros(4096)]);

        var keepStyleHalf = loss.Loss(new WeightedFeatures(mixed, firstHalf), target).item<float>();
        var keepOtherHalf = loss.Loss(new WeightedFeatures(mixed, firstHalf.neg().Plus(1f)), target).item<float>();

        Assert.True(keepStyleHalf < 0.01f, $"style half: {keepStyleHalf}");
        Assert.True(keepOtherHalf > 0.5f, $"other half: {keepOtherHalf}");
    }

    private static Tensor Features(int seed, float shift, float spread = 1f, int positions = 4096) =>
        randn(16, positions, generator: new Generator((ulong)seed)).Times(spread).Plus(shift).relu();
}
