using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Imaging;

namespace OrleansStyle.Cli.Rendering;

/// <summary>
/// How large a render is and how the farm tiles it: <c>--size</c>, <c>--tile-size</c> and <c>--overlap</c>. One record
/// for every render path, so <c>--size</c> means the same through the farm (the render header's <c>max_side</c>) and
/// with <c>--whole</c>.
/// </summary>
/// <param name="MaxSide">Cap on the result's long side: a larger photo is shrunk to it, a smaller one is never enlarged; 0 keeps the photo's size.</param>
/// <param name="TileSize">Tile side of a farm render; 0 lets the farm choose from its devices' memory.</param>
/// <param name="Overlap">Pixels neighbouring tiles share; 0 lets the farm choose.</param>
internal sealed record RenderGeometry(int MaxSide, int TileSize = 0, int Overlap = 0)
{
    /// <summary>Whether the user asked for a tiling (which only a farm render has).</summary>
    public bool HasTiling => TileSize != 0 || Overlap != 0;

    /// <summary>Every bad value, each phrased as how to fix it; empty when the geometry is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxSide < 0)
        {
            problems.Add($"--size {MaxSide}: use a positive long side in pixels, or 0 to keep the photo's size.");
        }

        if (TileSize is < 0 or (> 0 and < RenderPlanner.MinTileSize) or > RenderPlanner.MaxTileSize)
        {
            problems.Add($"--tile-size {TileSize}: use {RenderPlanner.MinTileSize}–{RenderPlanner.MaxTileSize} pixels, or 0 to let the farm choose.");
        }

        if (Overlap < 0 || (TileSize > 0 && Overlap * 2 > TileSize))
        {
            problems.Add(TileSize > 0
                ? $"--overlap {Overlap}: use 0 (the farm chooses) up to half the tile size, {TileSize / 2}."
                : $"--overlap {Overlap}: use 0 (the farm chooses) or a positive number of pixels, up to half the tile size.");
        }

        return problems;
    }

    /// <summary>The photo as a whole-picture render uses it: shrunk to <see cref="MaxSide"/> when larger, as the gateway does.</summary>
    public PlanarImage Fit(PlanarImage content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return MaxSide > 0 ? content.FitWithin(MaxSide) : content;
    }
}
