using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// A region of the picture and its style mixture. <see cref="Mask"/> (one channel, white = region) may be
/// smaller than the picture but must have its aspect ratio: each tile gets the matching crop, scaled to the tile.
/// A null mask is the whole picture.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.RegionSpec")]
public sealed record RegionSpec(
    [property: Id(0)] ImmutableArray<StyleWeight> Styles,
    [property: Id(1)] PixelBuffer? Mask = null)
{
    public static RegionSpec Everywhere(params StyleWeight[] styles) => new([.. styles]);
}
