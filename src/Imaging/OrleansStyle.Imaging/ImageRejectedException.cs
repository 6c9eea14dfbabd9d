namespace OrleansStyle.Imaging;

/// <summary>An untrusted image was refused; <see cref="Reason"/> says why and the message names the limit involved.</summary>
public sealed class ImageRejectedException : Exception
{
    public ImageRejectedException(ImageRejectionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ImageRejectedException(ImageRejectionReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public ImageRejectionReason Reason { get; }
}
