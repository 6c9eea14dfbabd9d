using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// The AdaIN decoder's shape: the ResNet-18 tap it inverts (<c>layer1</c>–<c>layer4</c>) and its base width
/// (channels W, 2W, … per stage; 64 mirrors the encoder). Written to model files as <c>adain-w64</c> with the
/// tap in its own metadata entry.
/// </summary>
public sealed partial record AdaInArchitecture(string EncoderTap = "layer2", int Width = 64)
{
    public static readonly IReadOnlyList<string> SupportedTaps = ["layer1", "layer2", "layer3", "layer4"];

    public string Name => string.Create(CultureInfo.InvariantCulture, $"adain-w{Width}");

    /// <summary>The encoder stage (1–4) of the tap; 0 for an unsupported tap.</summary>
    public int Stage => SupportedTaps.ToList().IndexOf(EncoderTap) + 1;

    /// <summary>Channels of the ResNet-18 tap: 64 · 2^(stage − 1).</summary>
    public long TapChannels => 64L << (Stage - 1);

    /// <summary>The style-loss taps of Huang &amp; Belongie: the stem and every stage output up to the encoder tap.</summary>
    public IReadOnlyList<string> StyleTaps => ["stem", .. Enumerable.Range(1, Stage).Select(s => $"layer{s}")];

    public static bool TryParse(string name, string encoderTap, out AdaInArchitecture architecture)
    {
        architecture = new AdaInArchitecture();
        var match = Pattern().Match(name);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var width))
        {
            return false;
        }

        architecture = new AdaInArchitecture(encoderTap, width);
        return architecture.Validate().Count == 0;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!SupportedTaps.Contains(EncoderTap))
        {
            problems.Add($"Encoder tap '{EncoderTap}' is not supported: use {string.Join(", ", SupportedTaps)}.");
        }

        if (Width is < 2 or > 1024)
        {
            problems.Add($"Decoder width {Width} is out of range: use 2–1024 (64 mirrors the encoder).");
        }

        return problems;
    }

    [GeneratedRegex(@"^adain-w(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// The AdaIN decoder (Huang &amp; Belongie 2017), mirroring the ResNet-18 encoder up to its tap: per stage
/// 3×3 convolutions with ReLU, nearest ×2 upsampling where the encoder halved the resolution (stage
/// transitions, the max-pool and the stem), reflection padding, no normalisation, and a linear RGB output.
/// Input [N, C_tap, h, w]; output [N, 3, h·s, w·s] with s the tap's stride (crop it to the image size).
/// </summary>
public sealed class AdaInDecoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public AdaInDecoder(AdaInArchitecture architecture)
        : base(nameof(AdaInDecoder))
    {
        var problems = architecture.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(architecture));
        }

        Architecture = architecture;
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        var index = 0;
        void Conv(long input, long output, bool relu = true)
        {
            modules.Add(($"{index++}", new ConvLayer("conv", input, output, 3)));
            if (relu)
            {
                modules.Add(($"{index++}", nn.ReLU()));
            }
        }

        void Up() => modules.Add(($"{index++}", new NearestUpsample("up")));

        long Channels(int stage) => (long)architecture.Width << (stage - 1);

        var stage = architecture.Stage;
        Conv(architecture.TapChannels, Channels(stage));
        for (var s = stage; s > 1; s--)
        {
            // Mirror of stage s's stride-2 block: upsample, then narrow to stage s − 1.
            Up();
            Conv(Channels(s), Channels(s - 1));
            Conv(Channels(s - 1), Channels(s - 1));
        }

        Up(); // the max-pool
        Conv(Channels(1), Channels(1));
        Up(); // the stride-2 stem
        Conv(Channels(1), Math.Max(Channels(1) / 2, 1));
        Conv(Math.Max(Channels(1) / 2, 1), 3, relu: false);
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    public AdaInArchitecture Architecture { get; }

    /// <summary>Total upsampling factor: the tap's stride.</summary>
    public int Stride => 4 << (Architecture.Stage - 1);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return layers.forward(input).MoveToOuterDisposeScope();
    }

    /// <summary>Seeded PyTorch-default initialisation (uniform ±1/√fan-in).</summary>
    public void Initialize(Generator generator) => Initialization.Convolutions(this, generator);
}
