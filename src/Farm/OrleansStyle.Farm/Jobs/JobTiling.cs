using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// A job's tiles and, for each, the window a worker renders: the tile plus a context margin, rounded out to
/// <see cref="Alignment"/> pixels. Windows start on multiples of 32 because the networks downsample (the transformer
/// by 4, the ResNet-18 encoder by up to 32): a window at any other offset samples a shifted grid and paints shifted
/// strokes, visible as seams. Interior windows share one size (so tiles batch together); windows at the right and
/// bottom edges end at the picture's edge. The part of the window that is the tile is kept; overlaps between tiles are
/// feather-blended by the mosaic.
/// </summary>
public sealed class JobTiling
{
    public const int Alignment = 32;

    /// <param name="alignment">
    /// Where windows may start: <see cref="Alignment"/>, or for a stroke scale S the pixels that shrink to 32
    /// (<see cref="Neural.FeedForward.StrokeScaling.Alignment"/>), so the shrunk window is on the network's grid.
    /// </param>
    public JobTiling(int width, int height, int tileSize, int overlap, int margin, int alignment = Alignment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(alignment, 1);
        WindowAlignment = alignment;
        Layout = TileLayout.Plan(width, height, tileSize, Math.Min(overlap, tileSize - 1));
        WindowWidth = RoundUp(Layout.Tiles.Max(t => t.Width) + (2 * margin)) + alignment;
        WindowHeight = RoundUp(Layout.Tiles.Max(t => t.Height) + (2 * margin)) + alignment;
        Margin = margin;
    }

    /// <summary>Windows start on multiples of this many pixels.</summary>
    public int WindowAlignment { get; }

    public TileLayout Layout { get; }

    /// <summary>Size of interior windows (edge windows are cut at the picture's edge).</summary>
    public int WindowWidth { get; }

    public int WindowHeight { get; }

    public int Margin { get; }

    public int Count => Layout.Tiles.Count;

    /// <summary>The rectangle of the picture rendered for a tile.</summary>
    public PixelRect Window(int tileIndex)
    {
        var tile = Layout.Tiles[tileIndex];
        var (x, width) = Axis(tile.X, WindowWidth, Layout.Width);
        var (y, height) = Axis(tile.Y, WindowHeight, Layout.Height);
        return new PixelRect(x, y, width, height);
    }

    /// <summary>Where the tile lies inside its window.</summary>
    public PixelRect Keep(int tileIndex)
    {
        var tile = Layout.Tiles[tileIndex];
        var window = Window(tileIndex);
        return new PixelRect(tile.X - window.X, tile.Y - window.Y, tile.Width, tile.Height);
    }

    /// <summary>
    /// The aligned start at or before the margin (the window's extra <see cref="Alignment"/> pixels keep at least the
    /// margin after the tile too), cut at the picture's end.
    /// </summary>
    private (int Start, int Length) Axis(int tileStart, int windowLength, int pictureLength)
    {
        var start = Math.Max(0, tileStart - Margin) / WindowAlignment * WindowAlignment;
        return (start, Math.Min(windowLength, pictureLength - start));
    }

    private int RoundUp(int value) => (value + WindowAlignment - 1) / WindowAlignment * WindowAlignment;
}
