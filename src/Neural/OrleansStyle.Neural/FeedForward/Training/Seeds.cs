namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Derives independent seeds from (run seed, stream, counter) with SplitMix64, so every random draw of a step
/// depends only on the step number: a resumed run needs no generator state to continue identically.
/// </summary>
internal static class Seeds
{
    public const long Initialization = 0;
    public const long ContentCrops = 1;
    public const long StyleCrops = 2;
    public const long ProceduralStyles = 3;
    public const long TemporalMotion = 4;

    /// <summary>Added to a crop stream for the epoch order of the same data.</summary>
    public const long OrderOffset = 1000;

    /// <summary>Added to a crop stream for the augmentation of the same crops.</summary>
    public const long AugmentOffset = 2000;

    public static ulong Derive(int seed, long stream, long counter)
    {
        var state = Mix((ulong)(uint)seed);
        state = Mix(state ^ (ulong)stream);
        return Mix(state ^ (ulong)counter);
    }

    /// <summary>A non-negative 31-bit seed for <see cref="Random"/>.</summary>
    public static int DeriveInt(int seed, long stream, long counter) => (int)(Derive(seed, stream, counter) >> 33);

    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
