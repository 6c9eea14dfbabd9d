namespace OrleansStyle.Imaging;

public enum ImageRejectionReason
{
    Empty,

    /// <summary>The encoded file has more bytes than <see cref="ImageLimits.MaxBytes"/>.</summary>
    TooLarge,
    UnsupportedFormat,
    InvalidDimensions,
    TooManyPixels,
    Truncated,
    Corrupt,
}
