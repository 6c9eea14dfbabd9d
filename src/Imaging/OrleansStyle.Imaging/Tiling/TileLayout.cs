namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// Splits an image into overlapping tiles for rendering on separate workers, and blends the rendered tiles
/// back with feather masks that sum to exactly 1 at every pixel, so seams cannot brighten or darken.
/// </summary>
public sealed class TileLayout
{
    private readonly AxisLayout columns;
    private readonly AxisLayout rows;

    private TileLayout(int width, int height, int tileSize, int overlap, AxisLayout columns, AxisLayout rows)
    {
        Width = width;
        Height = height;
        TileSize = tileSize;
        Overlap = overlap;
        this.columns = columns;
        this.rows = rows;

        var tiles = new Tile[columns.Count * rows.Count];
        for (var row = 0; row < rows.Count; row++)
        {
            for (var column = 0; column < columns.Count; column++)
            {
                var index = (row * columns.Count) + column;
                tiles[index] = new Tile(
                    index, column, row, columns.Starts[column], rows.Starts[row], columns.Lengths[column], rows.Lengths[row]);
            }
        }

        Tiles = tiles;
    }

    public int Width { get; }

    public int Height { get; }

    public int TileSize { get; }

    /// <summary>The minimum overlap asked for; actual overlaps are at least this.</summary>
    public int Overlap { get; }

    public int ColumnCount => columns.Count;

    public int RowCount => rows.Count;

    /// <summary>Row-major: <c>Tiles[row * ColumnCount + column]</c>.</summary>
    public IReadOnlyList<Tile> Tiles { get; }

    /// <summary>
    /// Plans the fewest tiles of at most <paramref name="tileSize"/> pixels a side that cover the image with
    /// neighbours sharing at least <paramref name="overlap"/> pixels. Rather than stepping by
    /// <c>tileSize − overlap</c> and pushing the last tile back inside the image (which leaves one overlap far wider
    /// than the others), the same number of tiles is spread evenly, so every seam gets a similar feather width.
    /// The first tile starts at 0 and the last ends at the image edge. An image no larger than a tile is one tile.
    /// </summary>
    public static TileLayout Plan(int width, int height, int tileSize, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        if (overlap >= tileSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(overlap), overlap, $"Tile overlap must be smaller than the tile size ({tileSize}); half the tile size or less blends best.");
        }

        return new TileLayout(
            width, height, tileSize, overlap, AxisLayout.Plan(width, tileSize, overlap), AxisLayout.Plan(height, tileSize, overlap));
    }

    /// <summary>
    /// The tile's blending weights as a 1-channel image of the tile's size: 1 in its interior, falling linearly to
    /// 0 across each overlap with a neighbour, and 1 up to the image border. Summed over all tiles they are 1.
    /// </summary>
    public PlanarImage FeatherMask(Tile tile)
    {
        var mask = new PlanarImage(tile.Width, tile.Height, 1);
        var horizontal = columns.Weights[tile.Column];
        var vertical = rows.Weights[tile.Row];
        for (var y = 0; y < tile.Height; y++)
        {
            var row = mask.Data.AsSpan(y * tile.Width, tile.Width);
            for (var x = 0; x < tile.Width; x++)
            {
                row[x] = horizontal[x] * vertical[y];
            }
        }

        return mask;
    }

    public PlanarImage FeatherMask(int tileIndex) => FeatherMask(Tiles[tileIndex]);

    /// <summary>
    /// The 1-D feather weights across the tiles of column <paramref name="column"/>, one per pixel of the tile's
    /// width. A tile's mask is <c>ColumnWeights(tile.Column)[x] · RowWeights(tile.Row)[y]</c>, so streaming
    /// consumers can blend row by row without building 2-D masks.
    /// </summary>
    public ReadOnlySpan<float> ColumnWeights(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, ColumnCount);
        return columns.Weights[column];
    }

    /// <summary>The 1-D feather weights down the tiles of row <paramref name="row"/>, one per pixel of the tile's height.</summary>
    public ReadOnlySpan<float> RowWeights(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        return rows.Weights[row];
    }

    /// <summary>Blends rendered tiles (one per entry of <see cref="Tiles"/>, same order) into the whole image.</summary>
    public PlanarImage Compose(IReadOnlyList<PlanarImage> renderedTiles)
    {
        ArgumentNullException.ThrowIfNull(renderedTiles);
        if (renderedTiles.Count != Tiles.Count)
        {
            throw new ArgumentException($"Expected {Tiles.Count} rendered tiles but got {renderedTiles.Count}.", nameof(renderedTiles));
        }

        var channels = renderedTiles[0].Channels;
        var result = new PlanarImage(Width, Height, channels);
        foreach (var tile in Tiles)
        {
            var rendered = renderedTiles[tile.Index];
            if (rendered.Width != tile.Width || rendered.Height != tile.Height || rendered.Channels != channels)
            {
                throw new ArgumentException(
                    $"Tile {tile.Index} must be {tile.Width}×{tile.Height}×{channels} but is {rendered.Width}×{rendered.Height}×{rendered.Channels}.",
                    nameof(renderedTiles));
            }

            var horizontal = columns.Weights[tile.Column];
            var vertical = rows.Weights[tile.Row];
            var weightedRow = new float[tile.Width];
            for (var channel = 0; channel < channels; channel++)
            {
                for (var y = 0; y < tile.Height; y++)
                {
                    var source = rendered.Row(channel, y);
                    for (var x = 0; x < tile.Width; x++)
                    {
                        weightedRow[x] = source[x] * horizontal[x];
                    }

                    var target = result.Row(channel, tile.Y + y).Slice(tile.X, tile.Width);
                    SpanMath.MultiplyAdd(weightedRow, vertical[y], target);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Tile positions and 1-D feather weights along one axis. The 2-D mask is the product of the column and row
    /// weights; normalising each axis to sum to 1 makes the products sum to 1 too.
    /// </summary>
    private sealed class AxisLayout
    {
        private AxisLayout(int[] starts, int[] lengths, float[][] weights)
        {
            Starts = starts;
            Lengths = lengths;
            Weights = weights;
        }

        public int Count => Starts.Length;

        public int[] Starts { get; }

        public int[] Lengths { get; }

        public float[][] Weights { get; }

        public static AxisLayout Plan(int length, int tileSize, int overlap)
        {
            if (length <= tileSize)
            {
                return new AxisLayout([0], [length], [Enumerable.Repeat(1f, length).ToArray()]);
            }

            var stride = tileSize - overlap;
            var count = 1 + (int)Math.Ceiling((double)(length - tileSize) / stride);
            var starts = new int[count];
            var lengths = new int[count];
            for (var i = 0; i < count; i++)
            {
                starts[i] = (int)Math.Round((double)i * (length - tileSize) / (count - 1), MidpointRounding.AwayFromZero);
                lengths[i] = tileSize;
            }

            return new AxisLayout(starts, lengths, NormalisedRamps(length, starts, lengths));
        }

        private static float[][] NormalisedRamps(int length, int[] starts, int[] lengths)
        {
            var count = starts.Length;
            var ramps = new double[count][];
            var total = new double[length];
            for (var i = 0; i < count; i++)
            {
                var start = starts[i];
                var end = start + lengths[i];
                var rampIn = i > 0 ? starts[i - 1] + lengths[i - 1] - start : 0;
                var rampOut = i < count - 1 ? end - starts[i + 1] : 0;
                ramps[i] = new double[lengths[i]];
                for (var x = start; x < end; x++)
                {
                    // Half-pixel offsets make the rising ramp of one tile and the falling ramp of its neighbour
                    // add up to exactly 1 across their shared pixels, and keep every weight above 0.
                    var rising = x < start + rampIn ? (x - start + 0.5) / rampIn : 1.0;
                    var falling = x >= end - rampOut ? (end - x - 0.5) / rampOut : 1.0;
                    var weight = Math.Min(rising, falling);
                    ramps[i][x - start] = weight;
                    total[x] += weight;
                }
            }

            // Where three tiles overlap (only when tiles barely exceed the image) the ramps sum above 1; dividing
            // by the total restores the partition of unity and changes nothing elsewhere.
            var weights = new float[count][];
            for (var i = 0; i < count; i++)
            {
                weights[i] = new float[lengths[i]];
                for (var x = 0; x < lengths[i]; x++)
                {
                    weights[i][x] = (float)(ramps[i][x] / total[starts[i] + x]);
                }
            }

            return weights;
        }
    }
}
