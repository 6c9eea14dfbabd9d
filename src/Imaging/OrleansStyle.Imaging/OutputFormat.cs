namespace OrleansStyle.Imaging;

public enum OutputFormat
{
    Png,
    Jpeg,
    WebpLossless,
    WebpLossy,
}
