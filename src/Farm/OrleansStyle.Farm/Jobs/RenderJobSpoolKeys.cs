using System.Globalization;

namespace OrleansStyle.Farm.Jobs;

/// <summary>The names a render job's items have in its spool folder.</summary>
public static class RenderJobSpoolKeys
{
    public const string Spec = "spec";

    public const string Statistics = "statistics";

    public const string Coarse = "coarse";

    /// <summary>Full-width RGB rows from <paramref name="y"/> on, as received.</summary>
    public static string Band(int y) => "band-" + y.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The kept part of a tile (RGB, the tile's own rectangle).</summary>
    public static string Tile(int tile) => "tile-" + tile.ToString("D6", CultureInfo.InvariantCulture);
}
