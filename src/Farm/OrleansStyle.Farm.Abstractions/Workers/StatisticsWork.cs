using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Workers;

/// <summary>Capture the normalisation statistics of a picture's thumbnail (masks at the thumbnail's size).</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.StatisticsWork")]
public sealed record StatisticsWork(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] PixelBuffer Thumbnail,
    [property: Id(3)] ImmutableArray<RegionSpec> Regions)
{
    /// <summary>The job's options (colours, style size, AdaIN's α for the thumbnail render the style colours are measured on).</summary>
    [Id(8)]
    public RenderOptions Options { get; init; } = RenderOptions.Default;
}
