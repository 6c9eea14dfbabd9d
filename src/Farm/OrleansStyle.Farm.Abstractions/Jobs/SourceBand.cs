using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>Full-width RGB rows of the picture starting at row <see cref="Y"/>.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.SourceBand")]
public sealed record SourceBand(
    [property: Id(0)] int Y,
    [property: Id(1)] PixelBuffer Rows);
