using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Style.Losses;
using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Everything that determines a training run; stored as JSON in checkpoints so a resumed run computes exactly
/// the steps the uninterrupted run would have. Losses are the relative ones of Style/Losses, so one weight means
/// the same at every tap. Start from <see cref="For"/>, which has each family's defaults.
/// </summary>
public sealed record TrainingOptions
{
    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public StyleModelKind Kind { get; init; } = StyleModelKind.Single;

    /// <summary>Side of the square training crops.</summary>
    public int Size { get; init; } = 256;

    public int Batch { get; init; } = 4;

    /// <summary>Planned number of optimiser steps (the caller's loop decides when to stop).</summary>
    public int Steps { get; init; } = 40_000;

    public float LearningRate { get; init; } = 1e-3f;

    public float ContentWeight { get; init; } = 1f;

    public float StyleWeight { get; init; } = 10f;

    public float TotalVariationWeight { get; init; } = 1f;

    /// <summary>Base channels: the transformer's W (32 = Johnson et al.) or the AdaIN decoder's (64 mirrors the encoder).</summary>
    public int Width { get; init; } = 32;

    public int ResidualBlocks { get; init; } = TransformerArchitecture.DefaultResidualBlocks;

    public int Seed { get; init; }

    /// <summary>Single/multi: long side the style images are resized to for their statistics; 0 = <see cref="Size"/>.</summary>
    public int StyleSize { get; init; }

    /// <summary>Single/multi style statistic (AdaIN always matches means and standard deviations).</summary>
    public StyleLossKind StyleLoss { get; init; } = StyleLossKind.Gram;

    /// <summary>Single/multi content taps of the loss network (AdaIN compares at its encoder tap).</summary>
    public IReadOnlyDictionary<string, float> ContentTaps { get; init; } = new Dictionary<string, float> { ["layer2"] = 1f };

    /// <summary>Style taps; null = the medium-stroke preset (single/multi) or the stem and every stage up to the encoder tap (AdaIN).</summary>
    public IReadOnlyDictionary<string, float>? StyleTaps { get; init; }

    /// <summary>AdaIN: the ResNet-18 tap that is encoded, re-normalised and decoded.</summary>
    public string EncoderTap { get; init; } = "layer2";

    /// <summary>AdaIN: style crops get random rotations, flips and colour changes (<see cref="StyleAugmentation"/>).</summary>
    public bool StyleAugment { get; init; }

    /// <summary>
    /// AdaIN: this many procedurally painted style images (<see cref="ProceduralStyles"/>) join the paintings;
    /// <see cref="ProceduralCrops"/> of each batch's style crops come from them. 0 = paintings only.
    /// </summary>
    public int ProceduralStyles { get; init; }

    /// <summary>AdaIN with procedural styles: style crops per batch drawn from them; 0 = half the batch (rounded down).</summary>
    public int ProceduralCrops { get; init; }

    /// <summary>Multi: the first this-many styles are already trained; only the new γ/β rows learn (convolutions stay fixed).</summary>
    public int FrozenStyles { get; init; }

    /// <summary>
    /// Weight of the temporal term (single/multi only; 0 = off): the output of a synthetically moved crop should equal
    /// the moved output, occlusion-masked (<see cref="SyntheticMotion"/>). Costs a second forward pass per step.
    /// </summary>
    public float TemporalWeight { get; init; }

    /// <summary>
    /// Steps the starting network had been trained before this run (<see cref="FeedForwardTrainer.StartFrom"/>; 0 for a
    /// run from random weights): the written model's step count is this plus the run's own.
    /// </summary>
    public int PriorSteps { get; init; }

    /// <summary>The defaults of each family: Johnson/Dumoulin (lr 1e-3, W 32) or Huang &amp; Belongie (lr 1e-4, decoder W 64, no TV).</summary>
    public static TrainingOptions For(StyleModelKind kind) => kind == StyleModelKind.AdaIn
        ? new TrainingOptions { Kind = kind, LearningRate = 1e-4f, Width = 64, TotalVariationWeight = 0f }
        : new TrainingOptions { Kind = kind };

    [JsonIgnore]
    public IReadOnlyDictionary<string, float> EffectiveStyleTaps => StyleTaps ?? (Kind == StyleModelKind.AdaIn
        ? AdaInArchitecture.StyleTaps.ToDictionary(t => t, _ => 1f)
        : StyleTapPresets.For(StrokeScale.Medium));

    [JsonIgnore]
    public TransformerArchitecture TransformerArchitecture => new(Width, ResidualBlocks);

    [JsonIgnore]
    public AdaInArchitecture AdaInArchitecture => new(EncoderTap, Width);

    [JsonIgnore]
    public string Architecture => Kind == StyleModelKind.AdaIn ? AdaInArchitecture.Name : TransformerArchitecture.Name;

    public IReadOnlyList<string> Validate(IReadOnlyCollection<string> lossNetworkTaps)
    {
        var problems = new List<string>();
        if (Size is < 32 or > 4096)
        {
            problems.Add($"Crop size {Size} is out of range: use 32–4096 pixels.");
        }

        if (Batch is < 1 or > 1024)
        {
            problems.Add($"Batch {Batch} is out of range: use 1–1024.");
        }

        if (Steps < 1)
        {
            problems.Add("Steps must be at least 1.");
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            problems.Add("The learning rate must be positive.");
        }

        if (new[] { ContentWeight, StyleWeight, TotalVariationWeight, TemporalWeight }.Any(w => w < 0 || !float.IsFinite(w)))
        {
            problems.Add("Loss weights must be finite and non-negative.");
        }

        if (PriorSteps < 0)
        {
            problems.Add("Prior steps must be 0 or more.");
        }

        if (TemporalWeight > 0 && Kind == StyleModelKind.AdaIn)
        {
            problems.Add("The temporal term is for single- and multi-style networks; AdaIN decoders do not take --temporal-weight.");
        }

        if (StyleSize is < 0 or > 8192 or (> 0 and < 16))
        {
            problems.Add($"Style size {StyleSize} is out of range: use 16–8192 pixels, or 0 for the crop size.");
        }

        if (FrozenStyles < 0 || (FrozenStyles > 0 && Kind != StyleModelKind.Multi))
        {
            problems.Add("Only a multi-style model can keep already trained styles frozen.");
        }

        if (ProceduralStyles is < 0 or > 100_000)
        {
            problems.Add($"Procedural styles {ProceduralStyles} is out of range: use 0–100000.");
        }

        if ((StyleAugment || ProceduralStyles > 0) && Kind != StyleModelKind.AdaIn)
        {
            problems.Add("Style augmentation and procedural styles are for AdaIN decoders (--kind adain).");
        }

        if (ProceduralStyles > 0 && (Batch < 2 || ProceduralCrops < 0 || ProceduralCrops >= Batch))
        {
            problems.Add("Procedural styles share each batch with the paintings: use a batch of at least 2 and 1 to batch − 1 procedural crops (0 = half).");
        }

        var architectureProblems = Kind == StyleModelKind.AdaIn ? AdaInArchitecture.Validate() : TransformerArchitecture.Validate();
        problems.AddRange(architectureProblems);
        if (architectureProblems.Count > 0)
        {
            return problems;
        }

        var taps = EffectiveStyleTaps.Keys.Concat(Kind == StyleModelKind.AdaIn ? [EncoderTap] : ContentTaps.Keys);
        var unknown = taps.Where(t => !lossNetworkTaps.Contains(t)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"Unknown loss-network tap(s) {string.Join(", ", unknown)}; available: {string.Join(", ", lossNetworkTaps)}.");
        }

        if (EffectiveStyleTaps.Values.Concat(ContentTaps.Values).Any(w => w < 0 || !float.IsFinite(w)))
        {
            problems.Add("Tap weights must be finite and non-negative.");
        }

        return problems;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingOptions FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(json, Json)
                ?? throw new InvalidDataException($"{source}: the training options are empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{source}: the training options are not valid JSON ({ex.Message}).");
        }
    }
}
