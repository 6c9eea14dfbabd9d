using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Tensors;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class TransformerNetTests
{
    [Theory]
    [InlineData(64, 48)]
    [InlineData(37, 50)]
    public void Output_has_the_input_size(int width, int height)
    {
        using var network = RandomTransformer(1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = network.forward(rand(2, 3, height, width), StyleCondition.OneHot([0, 0], 1));
        Assert.Equal([2L, 3, height, width], output.shape);
    }

    [Fact]
    public void Conditional_norm_with_one_neutral_style_is_instance_norm()
    {
        using var norm = new ConditionalInstanceNorm2d("in", 5, styles: 1, index: 0);
        using var scope = NewDisposeScope();
        var input = randn(2, 5, 9, 7, generator: new Generator(3)).Times(3f).Plus(1f);
        var ours = norm.forward(input, StyleCondition.OneHot([0, 0], 1));
        var reference = nn.functional.instance_norm(input, eps: 1e-5);
        Assert.True(MaxDifference(ours, reference) < 1e-5f);
    }

    [Fact]
    public void One_hot_weights_reproduce_each_single_style_exactly_and_half_half_is_the_midpoint()
    {
        using var multi = RandomTransformer(2);
        using var first = SingleFrom(multi, row => row[0]);
        using var second = SingleFrom(multi, row => row[1]);
        using var midpoint = SingleFrom(multi, row => row[0].Times(0.5f).Plus(row[1].Times(0.5f)));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var content = Content.Value.ToTensor();

        Assert.Equal(Values(first.forward(content, StyleCondition.Mix([1f]))), Values(multi.forward(content, StyleCondition.Mix([1f, 0f]))));
        Assert.Equal(Values(second.forward(content, StyleCondition.Mix([1f]))), Values(multi.forward(content, StyleCondition.Mix([0f, 1f]))));
        Assert.Equal(Values(midpoint.forward(content, StyleCondition.Mix([1f]))), Values(multi.forward(content, StyleCondition.Mix([0.5f, 0.5f]))));
        Assert.True(MaxDifference(multi.forward(content, StyleCondition.Mix([1f, 0f])), multi.forward(content, StyleCondition.Mix([0f, 1f]))) > 1e-2f);
    }

    [Fact]
    public void Frozen_statistics_of_the_same_image_change_nothing_and_of_another_image_do()
    {
        using var network = RandomTransformer(1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var content = Content.Value.ToTensor();
        var condition = StyleCondition.Mix([1f]);
        using var own = NormStatistics.StartCapture();
        var reference = network.forward(content, condition, own);
        own.Freeze();
        Assert.Equal(network.Norms.Count, own.Count);
        Assert.True(MaxDifference(reference, network.forward(content, condition, own)) < 1e-5f);

        using var other = NormStatistics.StartCapture();
        network.forward(StarryNight.Value.ToTensor(), condition, other);
        other.Freeze();
        Assert.True(MaxDifference(reference, network.forward(content, condition, other)) > 1e-2f);
    }

    [Fact]
    public void Adding_styles_keeps_the_trained_ones()
    {
        using var network = RandomTransformer(2);
        using var grown = network.WithAddedStyles(1);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var content = Content.Value.ToTensor();
        Assert.Equal(3, grown.Styles);
        Assert.Equal(Values(network.forward(content, StyleCondition.Mix([0f, 1f]))), Values(grown.forward(content, StyleCondition.Mix([0f, 1f, 0f]))));
    }

    /// <summary>A one-style network with the multi-style network's convolutions and the γ/β row that <paramref name="pick"/> selects.</summary>
    private static TransformerNet SingleFrom(TransformerNet multi, Func<Tensor, Tensor> pick)
    {
        var single = new TransformerNet(multi.Architecture, 1);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = multi.state_dict();
        foreach (var (name, target) in single.state_dict())
        {
            var value = source[name];
            target.copy_(value.shape.SequenceEqual(target.shape) ? value : pick(value).unsqueeze(0));
        }

        single.eval();
        return single;
    }
}
