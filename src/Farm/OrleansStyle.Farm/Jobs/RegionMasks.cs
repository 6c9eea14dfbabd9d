using System.Collections.Immutable;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// A job's regions with their masks ready to cut per tile window. Masks may be smaller than the picture (same
/// aspect ratio): the window's rectangle is mapped onto the mask, cropped and scaled to the window.
/// </summary>
public sealed class RegionMasks
{
    private readonly ImmutableArray<RegionSpec> _regions;
    private readonly PlanarImage?[] _masks;
    private readonly int _width;
    private readonly int _height;

    public RegionMasks(ImmutableArray<RegionSpec> regions, int width, int height)
    {
        _regions = regions;
        _width = width;
        _height = height;
        _masks = [.. regions.Select(r => r.Mask?.ToPlanar())];
    }

    public ImmutableArray<RegionSpec> ForWindow(PixelRect window) =>
        [.. _regions.Select((region, i) => _masks[i] is { } mask ? region with { Mask = Cut(mask, window, _width, _height).ToPixelBuffer() } : region)];

    /// <summary>
    /// The part of <paramref name="image"/> (the whole picture at any resolution with its aspect ratio) under a
    /// window of the <paramref name="width"/>×<paramref name="height"/> picture, at the window's size.
    /// </summary>
    public static PlanarImage Cut(PlanarImage image, PixelRect window, int width, int height)
    {
        if (image.Width == width && image.Height == height)
        {
            return image.Crop(window.X, window.Y, window.Width, window.Height);
        }

        var scaleX = (double)image.Width / width;
        var scaleY = (double)image.Height / height;
        var x0 = (int)Math.Floor(window.X * scaleX);
        var y0 = (int)Math.Floor(window.Y * scaleY);
        var x1 = Math.Min(image.Width, (int)Math.Ceiling((window.X + window.Width) * scaleX));
        var y1 = Math.Min(image.Height, (int)Math.Ceiling((window.Y + window.Height) * scaleY));
        return image.Crop(x0, y0, Math.Max(1, x1 - x0), Math.Max(1, y1 - y0)).Resize(window.Width, window.Height);
    }
}
