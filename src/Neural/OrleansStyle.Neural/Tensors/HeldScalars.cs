using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tensors;

/// <summary>
/// Tensor arithmetic with a plain number that stays alive for the whole native call. TorchSharp passes a
/// <see cref="Scalar"/>'s handle to libtorch without keeping the managed object alive, so a temporary one (an implicit
/// number conversion, or the alpha of 1 that <c>add(Tensor)</c> makes for itself) can be finalised while libtorch still
/// reads it ("Expected false to be true" from Scalar::toFloat, "Unknown scalar type", NaN: about once in a few thousand
/// calls on a busy heap). src/Build/BannedSymbols.txt makes the compiler refuse those calls; these are what to write
/// instead. The overloads keep the number's own type, so results are bit-identical to the implicit conversion.
/// </summary>
public static class HeldScalars
{
    // Static roots are never finalised. An int, as TorchSharp's own add(Tensor) passes.
    private static readonly Scalar One = 1.ToScalar();

    /// <summary><c>tensor + other</c>.</summary>
    public static Tensor Plus(this Tensor tensor, Tensor other) => tensor.add(other, One);

    /// <summary>In place: <c>tensor += other</c>.</summary>
    public static Tensor PlusInPlace(this Tensor tensor, Tensor other) => tensor.add_(other, One);

    /// <summary><c>tensor + addend</c>, with a Scalar the caller holds.</summary>
    public static Tensor Plus(this Tensor tensor, Scalar addend) => tensor.add(addend, One);

    /// <summary>In place: <c>tensor += addend</c>, with a Scalar the caller holds.</summary>
    public static Tensor PlusInPlace(this Tensor tensor, Scalar addend) => tensor.add_(addend, One);

    public static Tensor Plus(this Tensor tensor, float addend)
    {
        using var scalar = addend.ToScalar();
        return tensor.add(scalar, One);
    }

    public static Tensor Times(this Tensor tensor, float factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    public static Tensor Times(this Tensor tensor, double factor)
    {
        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    public static Tensor DividedBy(this Tensor tensor, long divisor)
    {
        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }

    public static Tensor ToPower(this Tensor tensor, double exponent)
    {
        using var scalar = exponent.ToScalar();
        return tensor.pow(scalar);
    }

    public static Tensor AtLeast(this Tensor tensor, float minimum)
    {
        using var scalar = minimum.ToScalar();
        return tensor.clamp_min(scalar);
    }

    public static Tensor AtLeast(this Tensor tensor, double minimum)
    {
        using var scalar = minimum.ToScalar();
        return tensor.clamp_min(scalar);
    }

    public static Tensor AtMost(this Tensor tensor, float maximum)
    {
        using var scalar = maximum.ToScalar();
        return tensor.clamp_max(scalar);
    }

    /// <summary>A boolean mask of the elements greater than <paramref name="threshold"/>.</summary>
    public static Tensor GreaterThan(this Tensor tensor, float threshold)
    {
        using var scalar = threshold.ToScalar();
        return tensor.gt(scalar);
    }

    /// <summary>A boolean mask of the elements equal to <paramref name="value"/>.</summary>
    public static Tensor EqualTo(this Tensor tensor, float value)
    {
        using var scalar = value.ToScalar();
        return tensor.eq(scalar);
    }

    /// <summary>In place: every element set to <paramref name="value"/>.</summary>
    public static Tensor FillWith(this Tensor tensor, float value)
    {
        using var scalar = value.ToScalar();
        return tensor.fill_(scalar);
    }

    /// <summary>0, 1, …, <paramref name="count"/> − 1 as int64.</summary>
    public static Tensor Range(long count, Device? device = null)
    {
        using var stop = count.ToScalar();
        return arange(stop, device: device);
    }

    /// <summary>Clamped to [0, 1], the range of image tensors.</summary>
    public static Tensor ClampToUnit(this Tensor tensor)
    {
        using var zero = 0f.ToScalar();
        using var one = 1f.ToScalar();
        return tensor.clamp(zero, one);
    }

    /// <summary>In place: clamped to [0, 1], the range of image tensors.</summary>
    public static Tensor ClampToUnit_(this Tensor tensor)
    {
        using var zero = 0f.ToScalar();
        using var one = 1f.ToScalar();
        return tensor.clamp_(zero, one);
    }
}
