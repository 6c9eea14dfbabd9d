using OrleansStyle.Neural.FeedForward.Networks;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.FeedForward;

public sealed class BlockAlignedConvolutionTests
{
    public static TheoryData<int, int, int, int> Shapes => new()
    {
        // in, out, kernel, stride: the output widths oneDNN reads past (3, 4, 8, 12, 24) and aligned ones (16, 32).
        { 8, 3, 9, 1 }, { 32, 3, 3, 1 }, { 3, 8, 9, 1 }, { 8, 8, 3, 1 }, { 4, 12, 3, 1 }, { 16, 24, 3, 1 }, { 8, 16, 3, 2 }, { 16, 32, 3, 1 },
    };

    [Fact]
    public void Junk_fill_is_on_so_reads_of_unwritten_memory_show()
    {
        Assert.True(AllocatorJunkFill.Enabled, "libc10 no longer exports caffe2_cpu_allocator_do_junk_fill; find the new switch");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_input_gradient_matches_a_double_precision_reference_on_every_call(int inputs, int outputs, int kernel, int stride)
    {
        using var convolution = nn.Conv2d(inputs, outputs, kernel, stride: stride, padding: 0L);
        using var generator = new Generator(11);
        using var image = rand([2, inputs, 40, 40], generator: generator);
        using var upstream = rand([2, outputs, ((40 - kernel) / stride) + 1, ((40 - kernel) / stride) + 1], generator: generator);

        // float64 convolutions run on ATen's own kernels (oneDNN has none), an independent reference.
        var reference = Gradient(x => nn.functional.conv2d(x, convolution.weight!.to(float64), convolution.bias!.to(float64), strides: [stride, stride]), image.to(float64), upstream.to(float64));
        var first = Gradient(x => BlockAlignedConvolution.Forward(convolution, x), image, upstream);
        Assert.All(first, v => Assert.True(float.IsFinite(v)));
        var worst = first.Zip(reference).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 1e-4, $"largest difference from the float64 reference: {worst}");
        for (var call = 0; call < 5; call++)
        {
            Assert.Equal(first, Gradient(x => BlockAlignedConvolution.Forward(convolution, x), image, upstream));
        }
    }

    [Fact]
    public void Without_a_gradient_it_is_the_plain_convolution()
    {
        using var convolution = nn.Conv2d(8, 3, 9, padding: 0L);
        using var image = rand([1, 8, 24, 24], generator: new Generator(3));
        using var scope = NewDisposeScope();
        Assert.Equal(FeedForwardFixtures.Values(convolution.forward(image)), FeedForwardFixtures.Values(BlockAlignedConvolution.Forward(convolution, image)));
    }

    private static float[] Gradient(Func<Tensor, Tensor> forward, Tensor image, Tensor upstream)
    {
        using var scope = NewDisposeScope();
        var input = image.detach().clone().requires_grad_(true);
        forward(input).mul(upstream).sum().backward();
        return input.grad!.to(float32).contiguous().data<float>().ToArray();
    }
}
