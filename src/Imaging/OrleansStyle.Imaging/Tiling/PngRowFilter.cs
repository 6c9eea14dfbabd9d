using System.Numerics;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// The five PNG scanline filters for 8-bit RGB, computed together in one vectorised pass, with the choice per row
/// made by libpng's heuristic: the filter whose output, read as signed bytes, has the smallest sum of magnitudes.
/// Encoding has no serial dependency (every predictor reads unfiltered bytes), so even Paeth vectorises.
/// </summary>
internal static class PngRowFilter
{
    public const int None = 0;
    public const int Sub = 1;
    public const int Up = 2;
    public const int Average = 3;
    public const int Paeth = 4;
    public const int Count = 5;

    private const int BytesPerPixel = 3;

    /// <summary>Cost lanes are 16-bit and gain at most 256 per step, so they are emptied before they can overflow.</summary>
    private const int StepsBeforeCostOverflow = 255;

    /// <summary>
    /// Writes the Sub, Up, Average and Paeth filterings of <paramref name="row"/> (whose unfiltered predecessor is
    /// <paramref name="previous"/>, all zeros for the first row) and returns the filter type to use, 0–4; type 0
    /// (None) is the row itself.
    /// </summary>
    public static int Apply(
        ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, Span<byte> sub, Span<byte> up, Span<byte> average, Span<byte> paeth)
    {
        var length = row.Length;
        if (previous.Length != length || sub.Length != length || up.Length != length || average.Length != length || paeth.Length != length)
        {
            throw new ArgumentException("The row, its predecessor and the four filter outputs must all be the same length.", nameof(row));
        }

        Span<ulong> costs = stackalloc ulong[Count];
        var i = 0;
        for (; i < Math.Min(BytesPerPixel, length); i++)
        {
            // The first pixel has no left neighbour: a = c = 0.
            FilterByte(i, row[i], 0, previous[i], 0, sub, up, average, paeth, costs);
        }

        if (Vector.IsHardwareAccelerated)
        {
            i = FilterVectors(i, row, previous, sub, up, average, paeth, costs);
        }

        for (; i < length; i++)
        {
            FilterByte(i, row[i], row[i - BytesPerPixel], previous[i], previous[i - BytesPerPixel], sub, up, average, paeth, costs);
        }

        var best = None;
        for (var filter = 1; filter < Count; filter++)
        {
            if (costs[filter] < costs[best])
            {
                best = filter;
            }
        }

        return best;
    }

    private static int FilterVectors(
        int start,
        ReadOnlySpan<byte> row,
        ReadOnlySpan<byte> previous,
        Span<byte> sub,
        Span<byte> up,
        Span<byte> average,
        Span<byte> paeth,
        Span<ulong> costs)
    {
        var width = Vector<byte>.Count;
        var noneCost = Vector<ushort>.Zero;
        var subCost = Vector<ushort>.Zero;
        var upCost = Vector<ushort>.Zero;
        var averageCost = Vector<ushort>.Zero;
        var paethCost = Vector<ushort>.Zero;
        var steps = 0;
        var i = start;
        for (; i + width <= row.Length; i += width)
        {
            var x = new Vector<byte>(row[i..]);
            var a = new Vector<byte>(row[(i - BytesPerPixel)..]);
            var b = new Vector<byte>(previous[i..]);
            var c = new Vector<byte>(previous[(i - BytesPerPixel)..]);

            var subbed = x - a;
            var upped = x - b;
            var averaged = x - ((a & b) + Vector.ShiftRightLogical(a ^ b, 1));
            var paethed = x - PaethPredictor(a, b, c);
            subbed.CopyTo(sub[i..]);
            upped.CopyTo(up[i..]);
            averaged.CopyTo(average[i..]);
            paethed.CopyTo(paeth[i..]);

            noneCost += SignedMagnitudes(x);
            subCost += SignedMagnitudes(subbed);
            upCost += SignedMagnitudes(upped);
            averageCost += SignedMagnitudes(averaged);
            paethCost += SignedMagnitudes(paethed);
            if (++steps == StepsBeforeCostOverflow)
            {
                EmptyCosts(ref noneCost, ref subCost, ref upCost, ref averageCost, ref paethCost, costs);
                steps = 0;
            }
        }

        EmptyCosts(ref noneCost, ref subCost, ref upCost, ref averageCost, ref paethCost, costs);
        return i;
    }

    private static void EmptyCosts(
        ref Vector<ushort> none,
        ref Vector<ushort> sub,
        ref Vector<ushort> up,
        ref Vector<ushort> average,
        ref Vector<ushort> paeth,
        Span<ulong> costs)
    {
        costs[None] += Total(none);
        costs[Sub] += Total(sub);
        costs[Up] += Total(up);
        costs[Average] += Total(average);
        costs[Paeth] += Total(paeth);
        none = sub = up = average = paeth = Vector<ushort>.Zero;
    }

    private static ulong Total(Vector<ushort> lanes)
    {
        Vector.Widen(lanes, out var low, out var high);
        return Vector.Sum(low + high);
    }

    /// <summary>|value| of each byte read as signed, summed pairwise into 16-bit lanes (at most 256 each).</summary>
    private static Vector<ushort> SignedMagnitudes(Vector<byte> filtered)
    {
        var magnitudes = Vector.AsVectorByte(Vector.Abs(Vector.AsVectorSByte(filtered)));
        Vector.Widen(magnitudes, out var low, out var high);
        return low + high;
    }

    private static Vector<byte> PaethPredictor(Vector<byte> a, Vector<byte> b, Vector<byte> c)
    {
        Vector.Widen(a, out var aLow, out var aHigh);
        Vector.Widen(b, out var bLow, out var bHigh);
        Vector.Widen(c, out var cLow, out var cHigh);
        return Vector.Narrow(PaethPredictor(aLow, bLow, cLow), PaethPredictor(aHigh, bHigh, cHigh));
    }

    /// <summary>Paeth on 16-bit lanes holding bytes: p = a + b − c, so |p − a| = |b − c|, |p − b| = |a − c|, |p − c| = |a + b − 2c|.</summary>
    private static Vector<ushort> PaethPredictor(Vector<ushort> a, Vector<ushort> b, Vector<ushort> c)
    {
        var bMinusC = Vector.AsVectorInt16(b) - Vector.AsVectorInt16(c);
        var aMinusC = Vector.AsVectorInt16(a) - Vector.AsVectorInt16(c);
        var distanceA = Vector.Abs(bMinusC);
        var distanceB = Vector.Abs(aMinusC);
        var distanceC = Vector.Abs(bMinusC + aMinusC);
        var pickA = Vector.AsVectorUInt16(Vector.LessThanOrEqual(distanceA, distanceB) & Vector.LessThanOrEqual(distanceA, distanceC));
        var pickB = Vector.AsVectorUInt16(Vector.LessThanOrEqual(distanceB, distanceC));
        return Vector.ConditionalSelect(pickA, a, Vector.ConditionalSelect(pickB, b, c));
    }

    private static void FilterByte(
        int i, byte x, byte a, byte b, byte c, Span<byte> sub, Span<byte> up, Span<byte> average, Span<byte> paeth, Span<ulong> costs)
    {
        sub[i] = (byte)(x - a);
        up[i] = (byte)(x - b);
        average[i] = (byte)(x - ((a + b) >> 1));
        paeth[i] = (byte)(x - PaethPredictor(a, b, c));
        costs[None] += SignedMagnitude(x);
        costs[Sub] += SignedMagnitude(sub[i]);
        costs[Up] += SignedMagnitude(up[i]);
        costs[Average] += SignedMagnitude(average[i]);
        costs[Paeth] += SignedMagnitude(paeth[i]);
    }

    private static byte PaethPredictor(byte a, byte b, byte c)
    {
        var distanceA = Math.Abs(b - c);
        var distanceB = Math.Abs(a - c);
        var distanceC = Math.Abs(a + b - (2 * c));
        if (distanceA <= distanceB && distanceA <= distanceC)
        {
            return a;
        }

        return distanceB <= distanceC ? b : c;
    }

    private static ulong SignedMagnitude(byte filtered) => (ulong)Math.Abs((int)(sbyte)filtered);
}
