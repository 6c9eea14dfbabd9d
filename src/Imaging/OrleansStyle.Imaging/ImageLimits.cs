using System.Globalization;

namespace OrleansStyle.Imaging;

/// <summary>
/// Caps applied to every untrusted image before any pixel memory is allocated, so one upload cannot
/// exhaust a render node. The defaults follow sharp's <c>limitInputPixels</c> (16 383 × 16 383).
/// </summary>
public sealed record ImageLimits
{
    public const long DefaultMaxPixels = 268_402_689;
    public const int DefaultMaxDimension = 65_535;
    public const long DefaultMaxBytes = 512L * 1024 * 1024;

    /// <summary>The whole file is held in memory while it is checked, so it must fit one array.</summary>
    public const long LargestReadableBytes = 0x7FFF_FFC7;

    public static ImageLimits Default { get; } = new();

    public long MaxPixels { get; init; } = DefaultMaxPixels;

    public int MaxDimension { get; init; } = DefaultMaxDimension;

    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Every problem with these limits, each phrased as what to change; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxPixels < 1)
        {
            problems.Add(Invariant(
                $"ImageLimits.MaxPixels is {MaxPixels}; set it to a positive pixel count, e.g. {DefaultMaxPixels} (16383×16383, the default)."));
        }
        else if (MaxPixels > int.MaxValue)
        {
            problems.Add(Invariant(
                $"ImageLimits.MaxPixels is {MaxPixels}; set it to at most {int.MaxValue}, the most pixels one image buffer can index."));
        }

        if (MaxDimension < 1)
        {
            problems.Add(Invariant(
                $"ImageLimits.MaxDimension is {MaxDimension}; set it to a positive side length in pixels, e.g. {DefaultMaxDimension} (the default)."));
        }

        if (MaxBytes < 1)
        {
            problems.Add(Invariant(
                $"ImageLimits.MaxBytes is {MaxBytes}; set it to a positive byte count, e.g. {DefaultMaxBytes} (512 MiB, the default)."));
        }
        else if (MaxBytes > LargestReadableBytes)
        {
            problems.Add(Invariant(
                $"ImageLimits.MaxBytes is {MaxBytes}; set it to at most {LargestReadableBytes} (just under 2 GiB), because a file is checked whole in memory."));
        }

        return problems;
    }

    public void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid image limits: " + string.Join(" ", problems));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
