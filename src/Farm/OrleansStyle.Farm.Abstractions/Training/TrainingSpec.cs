using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Training;

/// <summary>
/// A training job: which network to train on which style images, and where the result goes. The photos come from
/// the training silo's own data folder (<c>OrleansStyle:Training:ContentDirectory</c>), so only the style images
/// travel with the spec. Zero for a number means "the trainer's default for this kind".
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TrainingSpec")]
public sealed record TrainingSpec(
    [property: Id(0)] string ModelName,
    [property: Id(1)] TrainingKind Kind,
    [property: Id(2)] ImmutableArray<TrainingStyle> Styles,
    [property: Id(3)] int Steps)
{
    public const int MaxSteps = 200_000;

    /// <summary>Side of the square training crops.</summary>
    [Id(4)]
    public int Size { get; init; }

    [Id(5)]
    public int Batch { get; init; }

    /// <summary>Base channel width of the network.</summary>
    [Id(6)]
    public int Width { get; init; }

    [Id(7)]
    public float LearningRate { get; init; }

    [Id(8)]
    public float ContentWeight { get; init; }

    [Id(9)]
    public float StyleWeight { get; init; }

    /// <summary>Long side the style images are used at (single and multi).</summary>
    [Id(10)]
    public int StyleSize { get; init; }

    [Id(11)]
    public int Seed { get; init; }

    /// <summary>Replace a model of the same name when the job finishes.</summary>
    [Id(12)]
    public bool Overwrite { get; init; }

    /// <summary>Who started it; only that caller sees the job.</summary>
    [Id(13)]
    public string? Caller { get; init; }
}

/// <summary>One style image of a training job, named as the trained model will name the style.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TrainingStyle")]
public sealed record TrainingStyle([property: Id(0)] string Name, [property: Id(1)] PixelBuffer Image);

/// <summary>The network families the trainer knows.</summary>
public enum TrainingKind
{
    /// <summary>One style per network (Johnson et al.).</summary>
    Single,

    /// <summary>Many styles in one network, conditional instance norm (Dumoulin et al.).</summary>
    Multi,

    /// <summary>An AdaIN decoder for any style image (Huang and Belongie).</summary>
    AdaIn,
}
