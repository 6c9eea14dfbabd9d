using System.Globalization;
using System.Text.Json;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>The three feed-forward families.</summary>
public enum StyleModelKind
{
    /// <summary>One style per network (Johnson et al. 2016).</summary>
    Single,

    /// <summary>Many styles in one network via conditional instance norm (Dumoulin et al. 2017).</summary>
    Multi,

    /// <summary>Any style image: encoder, adaptive instance norm, trained decoder (Huang &amp; Belongie 2017).</summary>
    AdaIn,
}

/// <summary>
/// What a model file says about itself (safetensors <c>__metadata__</c>, all strings): <c>kind</c>
/// (single|multi|adain), <c>architecture</c> (e.g. johnson-w16, adain-w64), <c>styles</c> (JSON array of names),
/// <c>training_data</c>, <c>steps</c>, <c>loss_network</c> (resnet18-cntk), <c>encoder_tap</c> (AdaIN) and
/// <c>version</c> ("1").
/// </summary>
public sealed record StyleModelInfo(StyleModelKind Kind, string Architecture, IReadOnlyList<string> Styles)
{
    public const string CurrentVersion = "1";

    /// <summary>The bundled ImageNet ResNet-18 (CNTK export): the loss network, and the AdaIN encoder.</summary>
    public const string ResNet18LossNetwork = "resnet18-cntk";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public string TrainingData { get; init; } = "";

    public long Steps { get; init; }

    public string LossNetwork { get; init; } = ResNet18LossNetwork;

    /// <summary>AdaIN only: the encoder tap whose features are re-normalised.</summary>
    public string? EncoderTap { get; init; }

    public string Version { get; init; } = CurrentVersion;

    public static string KindName(StyleModelKind kind) => kind switch
    {
        StyleModelKind.Single => "single",
        StyleModelKind.Multi => "multi",
        StyleModelKind.AdaIn => "adain",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown model kind."),
    };

    public static bool TryParseKind(string text, out StyleModelKind kind)
    {
        (var known, kind) = text switch
        {
            "single" => (true, StyleModelKind.Single),
            "multi" => (true, StyleModelKind.Multi),
            "adain" => (true, StyleModelKind.AdaIn),
            _ => (false, StyleModelKind.Single),
        };
        return known;
    }

    public Dictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = KindName(Kind),
            ["architecture"] = Architecture,
            ["styles"] = JsonSerializer.Serialize(Styles, Compact),
            ["training_data"] = TrainingData,
            ["steps"] = Steps.ToString(CultureInfo.InvariantCulture),
            ["loss_network"] = LossNetwork,
            ["version"] = Version,
        };
        if (EncoderTap is not null)
        {
            metadata["encoder_tap"] = EncoderTap;
        }

        return metadata;
    }

    /// <summary>Reads and checks the metadata; every problem is an <see cref="InvalidDataException"/> naming <paramref name="source"/>.</summary>
    public static StyleModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue("kind", out var kindText))
        {
            throw new InvalidDataException($"{source} is not an OrleansStyle feed-forward model: it has no 'kind' metadata.");
        }

        if (!TryParseKind(kindText, out var kind))
        {
            throw new InvalidDataException($"{source} has unknown model kind '{kindText}': expected single, multi or adain.");
        }

        var version = Required("version");
        if (version != CurrentVersion)
        {
            throw new InvalidDataException($"{source} is model format version '{version}'; this build reads version {CurrentVersion}.");
        }

        string[]? styles;
        try
        {
            styles = JsonSerializer.Deserialize<string[]>(Required("styles"));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: the 'styles' metadata is not a JSON array of names ({ex.Message}).");
        }

        if (styles is null || styles.Any(s => s is null))
        {
            throw new InvalidDataException($"{source}: the 'styles' metadata is not a JSON array of names.");
        }

        switch (kind)
        {
            case StyleModelKind.Single when styles.Length != 1:
                throw new InvalidDataException($"{source}: a single-style model names exactly one style; it names {styles.Length}.");
            case StyleModelKind.Multi when styles.Length < 1:
                throw new InvalidDataException($"{source}: a multi-style model names at least one style.");
        }

        var stepsText = metadata.GetValueOrDefault("steps", "0");
        if (!long.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out var steps))
        {
            throw new InvalidDataException($"{source}: 'steps' metadata '{stepsText}' is not a whole number.");
        }

        var lossNetwork = metadata.GetValueOrDefault("loss_network", ResNet18LossNetwork);
        string? encoderTap = null;
        if (kind == StyleModelKind.AdaIn)
        {
            encoderTap = Required("encoder_tap");
            if (lossNetwork != ResNet18LossNetwork)
            {
                throw new InvalidDataException(
                    $"{source}: the decoder was trained on the '{lossNetwork}' encoder; only {ResNet18LossNetwork} is available.");
            }
        }

        return new StyleModelInfo(kind, Required("architecture"), styles)
        {
            TrainingData = metadata.GetValueOrDefault("training_data", ""),
            Steps = steps,
            LossNetwork = lossNetwork,
            EncoderTap = encoderTap,
            Version = version,
        };

        string Required(string key) =>
            metadata.TryGetValue(key, out var value)
                ? value
                : throw new InvalidDataException($"{source}: the model metadata lacks '{key}'.");
    }
}
