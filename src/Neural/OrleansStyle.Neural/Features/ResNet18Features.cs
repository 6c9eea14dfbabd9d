using OrleansStyle.Neural.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace OrleansStyle.Neural.Features;

/// <summary>
/// ImageNet ResNet-18 as shipped in Microsoft.ML.DnnImageFeaturizer.ResNet18 (a CNTK export): stages of
/// basic blocks, BatchNorm kept separate, convolutions without bias. Build it with <see cref="ResNetOnnxImporter"/>.
/// Taps: <c>stem</c> (after the first ReLU, stride 2), <c>layerS.B.conv1</c> (inside a block),
/// <c>layerS.B</c> (block output) and <c>layerS</c> (last block of stage S).
/// </summary>
public sealed class ResNet18Features : FeatureNetwork
{
    /// <summary>
    /// CNTK pads stride-2 layers asymmetrically ([3,3,2,2], [1,1,0,0]); on even sizes that samples exactly
    /// what symmetric padding samples, and odd intermediate sizes break the residual additions of the original
    /// graph. Inputs are therefore padded to a multiple of the total stride and the taps cropped back.
    /// </summary>
    public const int TotalStride = 32;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly MaxPool2d maxpool;
    private readonly ModuleList<ModuleList<BasicBlock>> layers;
    private readonly Tensor bgr_mean;

    // Held for the process: an implicit float→Scalar temporary can be finalised while libtorch still reads it
    // ("Unknown scalar type", seen once in ~400 training steps on this hot path).
    private static readonly Scalar PixelScale = 255f.ToScalar();

    private readonly List<string> _taps = [];

    public ResNet18Features(IReadOnlyList<int> blocksPerStage, IReadOnlyList<float> bgrMean)
        : base(nameof(ResNet18Features))
    {
        conv1 = Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64, eps: 1e-5);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(3, stride: 2, padding: 1);
        layers = new ModuleList<ModuleList<BasicBlock>>();
        bgr_mean = tensor(bgrMean.ToArray()).reshape(1, 3, 1, 1);

        _taps.Add("stem");
        var channels = 64L;
        for (var stage = 0; stage < blocksPerStage.Count; stage++)
        {
            var outChannels = 64L << stage;
            var blocks = new ModuleList<BasicBlock>();
            for (var b = 0; b < blocksPerStage[stage]; b++)
            {
                var stride = stage > 0 && b == 0 ? 2 : 1;
                blocks.Add(new BasicBlock($"layer{stage + 1}.{b}", channels, outChannels, stride));
                channels = outChannels;
                _taps.Add($"layer{stage + 1}.{b}.conv1");
                _taps.Add($"layer{stage + 1}.{b}");
            }

            layers.Add(blocks);
            _taps.Add($"layer{stage + 1}");
        }

        RegisterComponents();
    }

    public override IReadOnlyList<string> Taps => _taps;

    internal IEnumerable<(string Path, BasicBlock Block)> Blocks =>
        layers.SelectMany((stage, s) => stage.Select((block, b) => ($"layer{s + 1}.{b}", block)));

    internal Conv2d StemConv => conv1;

    internal BatchNorm2d StemNorm => bn1;

    public override int Stride(string tap)
    {
        if (tap == "stem")
        {
            return 2;
        }

        // layer1 runs at stride 4 and every later stage halves the resolution.
        var stage = tap["layer".Length] - '0';
        return 4 << (stage - 1);
    }

    public override IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> taps)
    {
        ThrowOnBadImage(image);
        ThrowOnUnknownTaps(taps);
        using var scope = NewDisposeScope();
        var height = image.shape[2];
        var width = image.shape[3];

        // RGB in [0, 1] → BGR in [0, 255] minus the ImageNet channel means, as the CNTK graph expects.
        var bgr = image.flip(1).mul(PixelScale).sub(bgr_mean);
        var padded = PadToStride(bgr);
        var found = ExtractPreprocessed(padded, taps);

        var result = new Dictionary<string, Tensor>(found.Count);
        foreach (var (tap, activation) in found)
        {
            var stride = Stride(tap);
            var cropped = activation[.., .., ..(int)CeilDiv(height, stride), ..(int)CeilDiv(width, stride)];
            result[tap] = cropped.MoveToOuterDisposeScope();
        }

        return result;
    }

    /// <summary>
    /// Runs the graph exactly as the ONNX file defines it on an already preprocessed BGR input whose sides
    /// are multiples of <see cref="TotalStride"/>. Exposed for the ONNX Runtime comparison.
    /// </summary>
    internal Dictionary<string, Tensor> ExtractPreprocessed(Tensor bgrMinusMean, IReadOnlyCollection<string> taps)
    {
        var wanted = new HashSet<string>(taps);
        var result = new Dictionary<string, Tensor>();

        var x = relu.forward(bn1.forward(conv1.forward(bgrMinusMean)));
        Keep("stem", x);
        x = maxpool.forward(x);
        for (var s = 0; s < layers.Count && result.Count < wanted.Count; s++)
        {
            var stage = layers[s];
            for (var b = 0; b < stage.Count && result.Count < wanted.Count; b++)
            {
                var path = $"layer{s + 1}.{b}";
                var (inner, output) = stage[b].ForwardWithInner(x);
                Keep(path + ".conv1", inner);
                Keep(path, output);
                if (b == stage.Count - 1)
                {
                    Keep($"layer{s + 1}", output);
                }

                x = output;
            }
        }

        return result;

        void Keep(string tap, Tensor value)
        {
            if (wanted.Contains(tap))
            {
                result[tap] = value;
            }
        }
    }

    private static Tensor PadToStride(Tensor x)
    {
        var padBottom = (int)((TotalStride - (x.shape[2] % TotalStride)) % TotalStride);
        var padRight = (int)((TotalStride - (x.shape[3] % TotalStride)) % TotalStride);
        return padBottom == 0 && padRight == 0
            ? x
            : nn.functional.pad(x, [0, padRight, 0, padBottom], PaddingModes.Replicate);
    }

    private static long CeilDiv(long value, int divisor) => (value + divisor - 1) / divisor;
}

/// <summary>The two-convolution residual block of ResNet-18/34, with an optional 1×1 projection shortcut.</summary>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(string name, long inChannels, long outChannels, int stride)
        : base(name)
    {
        conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(outChannels, eps: 1e-5);
        conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(outChannels, eps: 1e-5);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample = Sequential(
                ("0", Conv2d(inChannels, outChannels, 1, stride: stride, padding: 0L, bias: false)),
                ("1", BatchNorm2d(outChannels, eps: 1e-5)));
        }

        RegisterComponents();
    }

    internal (Conv2d Conv, BatchNorm2d Norm)[] Layers =>
        downsample is null
            ? [(conv1, bn1), (conv2, bn2)]
            : [(conv1, bn1), (conv2, bn2), ((Conv2d)downsample[0], (BatchNorm2d)downsample[1])];

    internal bool HasDownsample => downsample is not null;

    public override Tensor forward(Tensor input) => ForwardWithInner(input).Output;

    internal (Tensor Inner, Tensor Output) ForwardWithInner(Tensor input)
    {
        var inner = functional.relu(bn1.forward(conv1.forward(input)));
        var residual = bn2.forward(conv2.forward(inner));
        var shortcut = downsample is null ? input : downsample.forward(input);
        return (inner, functional.relu(residual.PlusInPlace(shortcut)));
    }
}
