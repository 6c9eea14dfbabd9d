using System.Numerics;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// The per-row arithmetic of <see cref="MosaicAssembler"/>, vectorised. It repeats <see cref="TileLayout.Compose"/>
/// operation for operation (byte / 255, times the column weight, times the row weight, added in tile order) and
/// rounds like <see cref="PlanarImageConversions"/>, so a streamed mosaic matches the float composition.
/// </summary>
internal static class RgbRowBlending
{
    private const float Levels = 255f;

    /// <summary>target[i] += ((source[i] / 255) · columnWeights[i]) · rowWeight.</summary>
    public static void AccumulateWeighted(ReadOnlySpan<byte> source, ReadOnlySpan<float> columnWeights, float rowWeight, Span<float> target)
    {
        var length = target.Length;
        if (source.Length != length || columnWeights.Length != length)
        {
            throw new ArgumentException("Source bytes, weights and target must be the same length.", nameof(source));
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var floats = Vector<float>.Count;
            var levels = new Vector<float>(Levels);
            var scale = new Vector<float>(rowWeight);
            for (; i + Vector<byte>.Count <= length; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out var low, out var high);
                Vector.Widen(low, out var first, out var second);
                Vector.Widen(high, out var third, out var fourth);
                AccumulateVector(first, columnWeights[i..], levels, scale, target[i..]);
                AccumulateVector(second, columnWeights[(i + floats)..], levels, scale, target[(i + floats)..]);
                AccumulateVector(third, columnWeights[(i + (2 * floats))..], levels, scale, target[(i + (2 * floats))..]);
                AccumulateVector(fourth, columnWeights[(i + (3 * floats))..], levels, scale, target[(i + (3 * floats))..]);
            }
        }

        for (; i < length; i++)
        {
            target[i] += (source[i] / Levels * columnWeights[i]) * rowWeight;
        }
    }

    /// <summary>Clamps 0–1 values to bytes, rounding to nearest, exactly as <see cref="PlanarImageConversions"/> does.</summary>
    public static void ToBytes(ReadOnlySpan<float> source, Span<byte> target)
    {
        var length = target.Length;
        if (source.Length != length)
        {
            throw new ArgumentException("Source and target must be the same length.", nameof(source));
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var floats = Vector<float>.Count;
            var levels = new Vector<float>(Levels);
            var half = new Vector<float>(0.5f);
            for (; i + Vector<byte>.Count <= length; i += Vector<byte>.Count)
            {
                var first = Quantise(new Vector<float>(source[i..]), levels, half);
                var second = Quantise(new Vector<float>(source[(i + floats)..]), levels, half);
                var third = Quantise(new Vector<float>(source[(i + (2 * floats))..]), levels, half);
                var fourth = Quantise(new Vector<float>(source[(i + (3 * floats))..]), levels, half);
                var bytes = Vector.Narrow(Vector.Narrow(first, second), Vector.Narrow(third, fourth));
                Vector.AsVectorByte(bytes).CopyTo(target[i..]);
            }
        }

        for (; i < length; i++)
        {
            target[i] = ToByte(source[i]);
        }
    }

    private static void AccumulateVector(Vector<uint> bytes, ReadOnlySpan<float> weights, Vector<float> levels, Vector<float> scale, Span<float> target)
    {
        var unit = Vector.ConvertToSingle(bytes) / levels;
        var sum = new Vector<float>(target) + (unit * new Vector<float>(weights) * scale);
        sum.CopyTo(target);
    }

    /// <summary>Clamping before truncation gives the same bytes as the scalar branches of <see cref="ToByte"/>.</summary>
    private static Vector<int> Quantise(Vector<float> unit, Vector<float> levels, Vector<float> half)
    {
        var scaled = Vector.Min(Vector.Max((unit * levels) + half, Vector<float>.Zero), levels);
        return Vector.ConvertToInt32(scaled);
    }

    private static byte ToByte(float unit)
    {
        var scaled = (unit * Levels) + 0.5f;
        if (scaled >= Levels)
        {
            return 255;
        }

        // Written so NaN fails the comparison and becomes 0.
        return scaled > 0f ? (byte)scaled : (byte)0;
    }
}
