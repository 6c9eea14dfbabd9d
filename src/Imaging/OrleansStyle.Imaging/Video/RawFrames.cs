namespace OrleansStyle.Imaging.Video;

/// <summary>Packed rgb24 (ffmpeg's rawvideo) to and from <see cref="PlanarImage"/>.</summary>
internal static class RawFrames
{
    public static PlanarImage ToPlanar(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var image = new PlanarImage(width, height, 3);
        var pixels = width * height;
        var data = image.Data;
        for (var i = 0; i < pixels; i++)
        {
            data[i] = rgb[3 * i] / 255f;
            data[pixels + i] = rgb[(3 * i) + 1] / 255f;
            data[(2 * pixels) + i] = rgb[(3 * i) + 2] / 255f;
        }

        return image;
    }

    public static void FromPlanar(PlanarImage image, Span<byte> rgb)
    {
        var pixels = image.PlaneLength;
        var data = image.Data;
        for (var i = 0; i < pixels; i++)
        {
            rgb[3 * i] = Byte(data[i]);
            rgb[(3 * i) + 1] = Byte(data[pixels + i]);
            rgb[(3 * i) + 2] = Byte(data[(2 * pixels) + i]);
        }
    }

    private static byte Byte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);
}
