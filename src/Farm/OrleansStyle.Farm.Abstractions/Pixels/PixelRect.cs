namespace OrleansStyle.Farm.Pixels;

/// <summary>A rectangle of an image in pixels.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.PixelRect")]
public readonly record struct PixelRect(
    [property: Id(0)] int X,
    [property: Id(1)] int Y,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height);
