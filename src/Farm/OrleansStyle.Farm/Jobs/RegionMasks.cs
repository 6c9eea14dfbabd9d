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
        [.. _regions.Select((region, i) => _masks[i] is { } mask ? region with { Mask = Cut(mask, window).ToPixelBuffer() } : region)];

    private PlanarImage Cut(PlanarImage mask, PixelRect window)
    {
        if (mask.Width == _width && mask.Height == _height)
        {
            return mask.Crop(window.X, window.Y, window.Width, window.Height);
        }

        var scaleX = (double)mask.Width / _width;
        var scaleY = (double)mask.Height / _height;
        var x0 = (int)Math.Floor(window.X * scaleX);
        var y0 = (int)Math.Floor(window.Y * scaleY);
        var x1 = Math.Min(mask.Width, (int)Math.Ceiling((window.X + window.Width) * scaleX));
        var y1 = Math.Min(mask.Height, (int)Math.Ceiling((window.Y + window.Height) * scaleY));
        return mask.Crop(x0, y0, Math.Max(1, x1 - x0), Math.Max(1, y1 - y0)).Resize(window.Width, window.Height);
    }
}
