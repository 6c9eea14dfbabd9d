namespace OrleansStyle.Imaging;

/// <summary>How <see cref="PlanarImage.ResizeByScale"/> interpolates when it enlarges (shrinking always averages with a tent).</summary>
public enum ResamplingKernel
{
    /// <summary>Bilinear: no overshoot, but soft.</summary>
    Tent,

    /// <summary>
    /// Lanczos-3: keeps fine strokes sharp when a picture painted small is enlarged (values may overshoot the input's
    /// range slightly; clamp after).
    /// </summary>
    Lanczos3,
}
