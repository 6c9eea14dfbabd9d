namespace OrleansStyle.Imaging;

/// <summary>The only encoded formats the reader accepts; BMP, TIFF and GIF decoders in ImageSharp 2.1 have open advisories.</summary>
public enum ImageFileFormat
{
    Png,
    Jpeg,
    Webp,
}
