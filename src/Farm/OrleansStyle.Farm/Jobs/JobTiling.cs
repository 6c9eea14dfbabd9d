using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// A job's tiles and, for each, the window a worker renders: the tile plus a context margin, all windows the same
/// size (so tiles of one job batch together) and shifted inside the picture at its borders. The part of the window
/// that is the tile is kept; the overlaps between tiles are feather-blended by the mosaic.
/// </summary>
public sealed class JobTiling
{
    public JobTiling(int width, int height, int tileSize, int overlap, int margin)
    {
        Layout = TileLayout.Plan(width, height, tileSize, Math.Min(overlap, tileSize - 1));
        WindowWidth = Math.Min(width, Layout.Tiles.Max(t => t.Width) + (2 * margin));
        WindowHeight = Math.Min(height, Layout.Tiles.Max(t => t.Height) + (2 * margin));
    }

    public TileLayout Layout { get; }

    public int WindowWidth { get; }

    public int WindowHeight { get; }

    public int Count => Layout.Tiles.Count;

    /// <summary>The rectangle of the picture rendered for a tile.</summary>
    public PixelRect Window(int tileIndex)
    {
        var tile = Layout.Tiles[tileIndex];
        var x = Math.Clamp(tile.X + (tile.Width / 2) - (WindowWidth / 2), 0, Layout.Width - WindowWidth);
        var y = Math.Clamp(tile.Y + (tile.Height / 2) - (WindowHeight / 2), 0, Layout.Height - WindowHeight);
        return new PixelRect(x, y, WindowWidth, WindowHeight);
    }

    /// <summary>Where the tile lies inside its window.</summary>
    public PixelRect Keep(int tileIndex)
    {
        var tile = Layout.Tiles[tileIndex];
        var window = Window(tileIndex);
        return new PixelRect(tile.X - window.X, tile.Y - window.Y, tile.Width, tile.Height);
    }
}
