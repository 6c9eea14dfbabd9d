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

    public static Tensor Plus(this Tensor tensor, float addend) => Held(addend.ToScalar(), s => tensor.add(s, One));

    public static Tensor Times(this Tensor tensor, float factor) => Held(factor.ToScalar(), tensor.mul);

    public static Tensor Times(this Tensor tensor, double factor) => Held(factor.ToScalar(), tensor.mul);

    public static Tensor DividedBy(this Tensor tensor, long divisor) => Held(divisor.ToScalar(), s => tensor.div(s));

    public static Tensor ToPower(this Tensor tensor, double exponent) => Held(exponent.ToScalar(), tensor.pow);

    public static Tensor AtLeast(this Tensor tensor, float minimum) => Held(minimum.ToScalar(), tensor.clamp_min);

    public static Tensor AtLeast(this Tensor tensor, double minimum) => Held(minimum.ToScalar(), tensor.clamp_min);

    public static Tensor AtMost(this Tensor tensor, float maximum) => Held(maximum.ToScalar(), tensor.clamp_max);

    /// <summary>A boolean mask of the elements greater than <paramref name="threshold"/>.</summary>
    public static Tensor GreaterThan(this Tensor tensor, float threshold) => Held(threshold.ToScalar(), tensor.gt);

    /// <summary>A boolean mask of the elements equal to <paramref name="value"/>.</summary>
    public static Tensor EqualTo(this Tensor tensor, float value) => Held(value.ToScalar(), tensor.eq);

    /// <summary>In place: every element set to <paramref name="value"/>.</summary>
    public static Tensor FillWith(this Tensor tensor, float value) => Held(value.ToScalar(), tensor.fill_);

    /// <summary>0, 1, …, <paramref name="count"/> − 1 as int64.</summary>
    public static Tensor Range(long count, Device? device = null) => Held(count.ToScalar(), stop => arange(stop, device: device));

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

    /// <summary>Runs <paramref name="operation"/> with <paramref name="scalar"/> and disposes it after: alive for the whole native call.</summary>
    private static Tensor Held(Scalar scalar, Func<Scalar, Tensor> operation)
    {
        using (scalar)
        {
            return operation(scalar);
        }
    }
}
