namespace OrleansStyle.Farm.Pixels;

/// <summary>
/// Interleaved 8-bit pixels (RGB when <see cref="Channels"/> is 3, grey masks when 1), row-major. Tiles, masks and
/// thumbnails cross the cluster in this form: 3 bytes a pixel instead of 12 as floats, and immutable so Orleans
/// passes it between grains on one silo without copying.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.PixelBuffer")]
public sealed record PixelBuffer(
    [property: Id(0)] int Width,
    [property: Id(1)] int Height,
    [property: Id(2)] int Channels,
    [property: Id(3)] byte[] Data)
{
    public long ByteCount => (long)Width * Height * Channels;

    /// <summary>Problems with the buffer's shape, empty when it is consistent.</summary>
    public IReadOnlyList<string> Validate(string what)
    {
        var problems = new List<string>();
        if (Width < 1 || Height < 1 || Channels is not (1 or 3))
        {
            problems.Add($"{what} must have a positive size and 1 or 3 channels (got {Width}×{Height}×{Channels}).");
        }
        else if (Data is null || Data.LongLength != ByteCount)
        {
            problems.Add($"{what} holds {Data?.LongLength ?? 0} bytes but {Width}×{Height}×{Channels} needs {ByteCount}.");
        }

        return problems;
    }
}
