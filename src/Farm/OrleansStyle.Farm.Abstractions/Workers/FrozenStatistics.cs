using System.Collections.Immutable;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// Normalisation statistics captured once from the whole picture's thumbnail: per normalisation point, the
/// channel means and standard deviations. Every tile of the picture is normalised with these rather than its own.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.FrozenStatistics")]
public sealed record FrozenStatistics([property: Id(0)] ImmutableArray<FrozenStatisticsPoint> Points)
{
    /// <summary>
    /// AdaIN with style colours: per region, the affine colour map (3×3 row-major, then 3 offsets) measured on the
    /// thumbnail's render, applied to every tile so all tiles get the same colours. Empty otherwise.
    /// </summary>
    [Id(1)]
    public ImmutableArray<float[]> ColorMaps { get; init; } = [];
}

[GenerateSerializer, Immutable, Alias("orleansstyle.v1.FrozenStatisticsPoint")]
public sealed record FrozenStatisticsPoint(
    [property: Id(0)] int Index,
    [property: Id(1)] float[] Mean,
    [property: Id(2)] float[] Std);
