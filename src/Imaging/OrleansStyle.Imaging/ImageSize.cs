namespace OrleansStyle.Imaging;

public readonly record struct ImageSize(int Width, int Height)
{
    public int LongSide => Math.Max(Width, Height);

    /// <summary>
    /// The largest size with the same aspect ratio whose long side is at most <paramref name="maxSide"/>;
    /// unchanged when it already fits. The short side never rounds below 1.
    /// </summary>
    public ImageSize FitWithin(int maxSide)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        if (LongSide <= maxSide)
        {
            return this;
        }

        var scale = (double)maxSide / LongSide;
        return Width >= Height
            ? new ImageSize(maxSide, Math.Max(1, (int)Math.Round(Height * scale)))
            : new ImageSize(Math.Max(1, (int)Math.Round(Width * scale)), maxSide);
    }
}
