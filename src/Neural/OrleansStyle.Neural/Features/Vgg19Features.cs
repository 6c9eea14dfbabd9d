using OrleansStyle.Neural.Serialization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace OrleansStyle.Neural.Features;

/// <summary>
/// torchvision's VGG-19 feature stack (state names <c>features.N.weight</c>), loaded from a weights file the
/// user supplies: we ship no VGG weights. Taps are the ReLU outputs <c>relu1_1</c> … <c>relu5_4</c>.
/// </summary>
public sealed class Vgg19Features : FeatureNetwork
{
    private readonly Sequential features;
    private readonly Tensor mean;
    private readonly Tensor std;

    private readonly Dictionary<int, string> _tapAtIndex = [];
    private readonly List<string> _taps = [];
    private readonly Dictionary<string, int> _strides = [];

    public Vgg19Features()
        : base(nameof(Vgg19Features))
    {
        // Convolution widths per block, as in torchvision's configuration "E".
        int[][] blocks = [[64, 64], [128, 128], [256, 256, 256, 256], [512, 512, 512, 512], [512, 512, 512, 512]];
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var channels = 3L;
        var stride = 1;
        for (var b = 0; b < blocks.Length; b++)
        {
            if (b > 0)
            {
                layers.Add(($"{layers.Count}", MaxPool2d(2, stride: 2)));
                stride *= 2;
            }

            for (var c = 0; c < blocks[b].Length; c++)
            {
                layers.Add(($"{layers.Count}", Conv2d(channels, blocks[b][c], 3, padding: 1)));
                var tap = $"relu{b + 1}_{c + 1}";
                _tapAtIndex[layers.Count] = tap; // the index the ReLU below gets
                _taps.Add(tap);
                _strides[tap] = stride;
                layers.Add(($"{layers.Count}", ReLU()));
                channels = blocks[b][c];
            }
        }

        features = Sequential(layers);
        mean = tensor(new[] { 0.485f, 0.456f, 0.406f }).reshape(1, 3, 1, 1);
        std = tensor(new[] { 0.229f, 0.224f, 0.225f }).reshape(1, 3, 1, 1);
        RegisterComponents();
    }

    public override IReadOnlyList<string> Taps => _taps;

    public override int Stride(string tap) => _strides[tap];

    /// <summary>Loads torchvision-named weights from a .safetensors file or a TorchSharp state file.</summary>
    public static Vgg19Features Load(string path)
    {
        var network = new Vgg19Features();
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            ModuleWeights.Load(network, SafeTensors.Read(path), path, "classifier.");
        }
        else
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"VGG-19 weights not found: {path}.", path);
            }

            network.load(path, strict: true);
        }

        network.Freeze();
        return network;
    }

    public override IReadOnlyDictionary<string, Tensor> Extract(Tensor image, IReadOnlyCollection<string> taps)
    {
        ThrowOnBadImage(image);
        ThrowOnUnknownTaps(taps);
        using var scope = NewDisposeScope();
        var wanted = new HashSet<string>(taps);
        var result = new Dictionary<string, Tensor>();
        var x = image.sub(mean).div(std);
        var index = 0;
        foreach (var layer in features.children())
        {
            if (result.Count == wanted.Count)
            {
                break;
            }

            x = ((Module<Tensor, Tensor>)layer).forward(x);
            if (_tapAtIndex.TryGetValue(index, out var tap) && wanted.Contains(tap))
            {
                result[tap] = x.MoveToOuterDisposeScope();
            }

            index++;
        }

        return result;
    }
}
