using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Workers;

/// <summary>A rendered tile, with how the device ran it (for routing and the batching tests).</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.TileResult")]
public sealed record TileResult(
    [property: Id(0)] int TileIndex,
    [property: Id(1)] PixelBuffer Pixels,
    [property: Id(2)] int BatchSize,
    [property: Id(3)] int QueueDepth,
    [property: Id(4)] TimeSpan DeviceTime);
