namespace OrleansStyle.Imaging;

public sealed record ImageHeader(ImageFileFormat Format, int Width, int Height)
{
    public long PixelCount => (long)Width * Height;
}
