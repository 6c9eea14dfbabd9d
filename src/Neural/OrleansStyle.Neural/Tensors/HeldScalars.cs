using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tensors;

/// <summary>
/// Tensor arithmetic with a plain number that stays alive for the whole native call. TorchSharp turns a number into a
/// <see cref="Scalar"/> implicitly and passes on only its handle, so on a busy heap the temporary can be finalised while
/// libtorch still reads it ("Unknown scalar type", Scalar::toFloat failures, NaN: about once in a few thousand training
/// steps). Hot paths (every loss term, every step) use these instead of <c>tensor.mul(0.5f)</c>; the overloads keep
/// the number's own type, so results are bit-identical to the implicit conversion.
/// </summary>
public static class HeldScalars
{
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

    public static Tensor Plus(this Tensor tensor, float addend)
    {
        using var scalar = addend.ToScalar();
        return tensor.add(scalar);
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
