using OrleansStyle.Neural.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// The image transformation network of Johnson et al. 2016 with conditional instance norm (Dumoulin et al. 2017):
/// 9×9 and two stride-2 3×3 convolutions (W, 2W, 4W channels), residual blocks, two nearest-upsample
/// convolutions and a 9×9 output convolution; reflection padding throughout. Every norm layer holds one γ/β row
/// per style; one style (S = 1) is the single-style network. Input and output are RGB in [0, 1] ([N, 3, H, W]):
/// the output passes through a sigmoid (Johnson et al. bounded theirs with a scaled tanh; an unbounded output lets
/// the Gram loss, quartic in the output's scale, blow up early in training). Inputs are padded to a multiple of 4
/// so the decoder restores the exact size.
/// </summary>
public sealed class TransformerNet : nn.Module
{
    private const int Multiple = 4;

    private readonly ConvLayer conv1;
    private readonly ConditionalInstanceNorm2d in1;
    private readonly ConvLayer conv2;
    private readonly ConditionalInstanceNorm2d in2;
    private readonly ConvLayer conv3;
    private readonly ConditionalInstanceNorm2d in3;
    private readonly ModuleList<ResidualBlock> res;
    private readonly UpsampleConvLayer deconv1;
    private readonly ConditionalInstanceNorm2d in4;
    private readonly UpsampleConvLayer deconv2;
    private readonly ConditionalInstanceNorm2d in5;
    private readonly ConvLayer deconv3;

    public TransformerNet(TransformerArchitecture architecture, int styles)
        : base(nameof(TransformerNet))
    {
        var problems = architecture.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(architecture));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(styles, 1);
        Architecture = architecture;
        var w = (long)architecture.Width;
        var index = 0;
        conv1 = new ConvLayer("conv1", 3, w, 9);
        in1 = new ConditionalInstanceNorm2d("in1", w, styles, index++);
        conv2 = new ConvLayer("conv2", w, 2 * w, 3, stride: 2);
        in2 = new ConditionalInstanceNorm2d("in2", 2 * w, styles, index++);
        conv3 = new ConvLayer("conv3", 2 * w, 4 * w, 3, stride: 2);
        in3 = new ConditionalInstanceNorm2d("in3", 4 * w, styles, index++);
        res = new ModuleList<ResidualBlock>();
        for (var b = 0; b < architecture.ResidualBlocks; b++)
        {
            res.Add(new ResidualBlock($"{b}", 4 * w, styles, index));
            index += 2;
        }

        deconv1 = new UpsampleConvLayer("deconv1", 4 * w, 2 * w, 3);
        in4 = new ConditionalInstanceNorm2d("in4", 2 * w, styles, index++);
        deconv2 = new UpsampleConvLayer("deconv2", 2 * w, w, 3);
        in5 = new ConditionalInstanceNorm2d("in5", w, styles, index);
        deconv3 = new ConvLayer("deconv3", w, 3, 9);
        RegisterComponents();
    }

    public TransformerArchitecture Architecture { get; }

    public int Styles => in1.Styles;

    /// <summary>Every norm layer in forward order.</summary>
    public IReadOnlyList<ConditionalInstanceNorm2d> Norms =>
        [in1, in2, in3, .. res.SelectMany(block => block.Norms), in4, in5];

    /// <summary>Every γ and β parameter (the only parameters that differ between styles).</summary>
    public IEnumerable<Parameter> StyleParameters => Norms.SelectMany(n => new[] { n.Gamma, n.Beta });

    public Tensor forward(Tensor input, StyleCondition condition, NormStatistics? statistics = null)
    {
        if (input.dim() != 4 || input.shape[1] != 3)
        {
            throw new ArgumentException($"Expected an RGB batch [N,3,H,W]; got [{string.Join(',', input.shape)}].", nameof(input));
        }

        if (condition.Weights.shape[0] != input.shape[0] && condition.Weights.shape[0] != 1)
        {
            throw new ArgumentException($"The condition has {condition.Weights.shape[0]} rows for a batch of {input.shape[0]}.", nameof(condition));
        }

        using var scope = NewDisposeScope();
        var height = input.shape[2];
        var width = input.shape[3];
        var padBottom = (Multiple - (height % Multiple)) % Multiple;
        var padRight = (Multiple - (width % Multiple)) % Multiple;
        var x = padBottom == 0 && padRight == 0 ? input : nn.functional.pad(input, [0, padRight, 0, padBottom], PaddingModes.Replicate);
        var c = condition.Pad(padBottom, padRight);

        x = nn.functional.relu(in1.forward(conv1.forward(x), c, statistics));
        x = nn.functional.relu(in2.forward(conv2.forward(x), c, statistics));
        x = nn.functional.relu(in3.forward(conv3.forward(x), c, statistics));
        foreach (var block in res)
        {
            x = block.forward(x, c, statistics);
        }

        x = nn.functional.relu(in4.forward(deconv1.forward(x), c, statistics));
        x = nn.functional.relu(in5.forward(deconv2.forward(x), c, statistics));
        x = nn.functional.sigmoid(deconv3.forward(x));
        if (padBottom != 0 || padRight != 0)
        {
            x = x[.., .., ..(int)height, ..(int)width];
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Seeded initialisation (PyTorch's default for convolutions: weights and biases uniform in ±1/√fan-in;
    /// γ = 1, β = 0), so a training run is reproducible without touching the global generator.
    /// </summary>
    public void Initialize(Generator generator)
    {
        Initialization.Convolutions(this, generator);
        using var noGrad = no_grad();
        foreach (var norm in Norms)
        {
            norm.Gamma.FillWith(1f);
            norm.Beta.FillWith(0f);
        }
    }

    /// <summary>
    /// A copy with <paramref name="count"/> more styles: the convolutions and the existing γ/β rows are copied,
    /// the new rows start at the mean of the existing ones (a neutral starting point for training them).
    /// </summary>
    public TransformerNet WithAddedStyles(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var grown = new TransformerNet(Architecture, Styles + count);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var source = state_dict();
        foreach (var (name, target) in grown.state_dict())
        {
            var value = source[name];
            if (value.shape.SequenceEqual(target.shape))
            {
                target.copy_(value);
            }
            else
            {
                var mean = value.mean([0], keepdim: true).expand(count, value.shape[1]);
                target.copy_(cat([value, mean], 0));
            }
        }

        return grown;
    }
}

/// <summary>Seeded PyTorch-default initialisation of every convolution in a module.</summary>
internal static class Initialization
{
    public static void Convolutions(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is not Conv2d conv)
            {
                continue;
            }

            var weight = conv.weight!;
            var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
            var bound = 1.0 / Math.Sqrt(fanIn);
            weight.uniform_(-bound, bound, generator);
            conv.bias?.uniform_(-bound, bound, generator);
        }
    }
}
