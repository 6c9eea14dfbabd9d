using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Workers;

/// <summary>
/// A tile's window that the worker reads from the job's spool itself (the spool is shared by every silo): the
/// picture's size, its spooled bands (first row and row count of each) and the window's rectangle.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.SpooledWindow")]
public sealed record SpooledWindow(
    [property: Id(0)] string JobId,
    [property: Id(1)] int PictureWidth,
    [property: Id(2)] int PictureHeight,
    [property: Id(3)] ImmutableArray<int> BandStarts,
    [property: Id(4)] ImmutableArray<int> BandRows,
    [property: Id(5)] PixelRect Rect);
