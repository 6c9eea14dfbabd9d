using System.Numerics;
using System.Runtime.InteropServices;

namespace OrleansStyle.Imaging;

internal static class SpanMath
{
    /// <summary>target[i] += scale · source[i], vectorised.</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> source, float scale, Span<float> target)
    {
        if (source.Length < target.Length)
        {
            throw new ArgumentException("Source is shorter than target.", nameof(source));
        }

        var i = 0;
        if (Vector.IsHardwareAccelerated && target.Length >= Vector<float>.Count)
        {
            var sourceVectors = MemoryMarshal.Cast<float, Vector<float>>(source[..target.Length]);
            var targetVectors = MemoryMarshal.Cast<float, Vector<float>>(target);
            var factor = new Vector<float>(scale);
            for (var v = 0; v < targetVectors.Length; v++)
            {
                targetVectors[v] += sourceVectors[v] * factor;
            }

            i = targetVectors.Length * Vector<float>.Count;
        }

        for (; i < target.Length; i++)
        {
            target[i] += scale * source[i];
        }
    }

    /// <summary>Mirror index with the edge pixel repeated (… 2 1 0 | 0 1 2 … n-1 | n-1 n-2 …), valid for any offset.</summary>
    public static int Reflect(int index, int length)
    {
        if ((uint)index < (uint)length)
        {
            return index;
        }

        var period = 2 * length;
        var wrapped = index % period;
        if (wrapped < 0)
        {
            wrapped += period;
        }

        return wrapped < length ? wrapped : period - 1 - wrapped;
    }
}
