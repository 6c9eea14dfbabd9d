using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Imaging.Tests.Tiling;

public sealed class TileLayoutTests
{
    public static TheoryData<int, int, int, int> Layouts() => new()
    {
        { 1024, 768, 256, 32 },
        { 1000, 700, 256, 64 },
        { 257, 256, 256, 16 },
        { 170, 130, 100, 40 },
        { 161, 161, 100, 40 },
        { 300, 90, 100, 0 },
        { 50, 40, 256, 32 },
        { 512, 512, 256, 128 },
        { 997, 13, 64, 63 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Tiles_cover_the_image_inside_its_bounds_with_at_least_the_overlap(int width, int height, int tileSize, int overlap)
    {
        var layout = TileLayout.Plan(width, height, tileSize, overlap);
        var coverage = new int[width * height];

        foreach (var tile in layout.Tiles)
        {
            Assert.InRange(tile.X, 0, width - tile.Width);
            Assert.InRange(tile.Y, 0, height - tile.Height);
            Assert.Equal(Math.Min(tileSize, width), tile.Width);
            Assert.Equal(Math.Min(tileSize, height), tile.Height);
            Assert.Equal(tile, layout.Tiles[(tile.Row * layout.ColumnCount) + tile.Column]);
            for (var y = tile.Y; y < tile.Y + tile.Height; y++)
            {
                for (var x = tile.X; x < tile.X + tile.Width; x++)
                {
                    coverage[(y * width) + x]++;
                }
            }
        }

        Assert.DoesNotContain(0, coverage);
        var firstRow = layout.Tiles.Where(t => t.Row == 0).ToArray();
        var firstColumn = layout.Tiles.Where(t => t.Column == 0).ToArray();
        for (var i = 1; i < firstRow.Length; i++)
        {
            Assert.True(firstRow[i - 1].X + firstRow[i - 1].Width - firstRow[i].X >= overlap);
        }

        for (var i = 1; i < firstColumn.Length; i++)
        {
            Assert.True(firstColumn[i - 1].Y + firstColumn[i - 1].Height - firstColumn[i].Y >= overlap);
        }

        Assert.Equal(width, firstRow[^1].X + firstRow[^1].Width);
        Assert.Equal(height, firstColumn[^1].Y + firstColumn[^1].Height);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Feather_masks_sum_to_one_everywhere(int width, int height, int tileSize, int overlap)
    {
        var layout = TileLayout.Plan(width, height, tileSize, overlap);
        var sum = new double[width * height];

        foreach (var tile in layout.Tiles)
        {
            var mask = layout.FeatherMask(tile);
            Assert.Equal((tile.Width, tile.Height, 1), (mask.Width, mask.Height, mask.Channels));
            Assert.InRange(mask.Data.Min(), 0f, 1f);
            Assert.InRange(mask.Data.Max(), 0f, 1f);
            for (var y = 0; y < tile.Height; y++)
            {
                for (var x = 0; x < tile.Width; x++)
                {
                    sum[((tile.Y + y) * width) + tile.X + x] += mask.Data[(y * tile.Width) + x];
                }
            }
        }

        var worst = sum.Max(total => Math.Abs(total - 1));
        Assert.True(worst < 1e-5, $"Weights sum to 1 ± {worst}.");
    }

    [Fact]
    public void Interior_of_a_tile_has_full_weight_and_ramps_are_linear()
    {
        var layout = TileLayout.Plan(1000, 100, 256, 64);
        var tile = layout.Tiles[1];
        var mask = layout.FeatherMask(tile);
        var row = mask.Row(0, 50).ToArray();
        var previous = layout.Tiles[0];
        var overlapWidth = previous.X + previous.Width - tile.X;

        Assert.Equal(1f, row[tile.Width / 2]);
        Assert.Equal(0.5f / overlapWidth, row[0], 1e-6f);
        Assert.Equal(1.5f / overlapWidth, row[1], 1e-6f);
        Assert.True(row[^1] < 0.05f);
    }

    [Fact]
    public void Spreads_tiles_evenly_instead_of_leaving_one_wide_overlap()
    {
        var layout = TileLayout.Plan(1000, 256, 256, 32);

        Assert.Equal([0, 186, 372, 558, 744], layout.Tiles.Select(t => t.X));
        Assert.Equal(1, layout.RowCount);
    }

    [Fact]
    public void Small_image_is_a_single_tile_of_its_own_size()
    {
        var layout = TileLayout.Plan(50, 40, 256, 32);

        var tile = Assert.Single(layout.Tiles);
        Assert.Equal(new Tile(0, 0, 0, 0, 0, 50, 40), tile);
        Assert.All(layout.FeatherMask(tile).Data, weight => Assert.Equal(1f, weight));
    }

    [Fact]
    public void Composing_the_crops_rebuilds_the_image()
    {
        var image = TestPhotos.YellowFlower256;
        var layout = TileLayout.Plan(image.Width, image.Height, 96, 24);

        var rebuilt = layout.Compose(layout.Tiles.Select(t => image.Crop(t.X, t.Y, t.Width, t.Height)).ToArray());

        Assert.Equal(image.Data.Length, rebuilt.Data.Length);
        var worst = image.Data.Zip(rebuilt.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"Rebuilt image differs by up to {worst}.");
    }

    [Fact]
    public void Compose_checks_the_tile_shapes()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        var wrong = layout.Tiles.Select(_ => new PlanarImage(10, 10, 3)).ToArray();

        Assert.Throws<ArgumentException>(() => layout.Compose(wrong));
        Assert.Throws<ArgumentException>(() => layout.Compose([]));
    }

    [Theory]
    [InlineData(100, 100, 64, 64)]
    [InlineData(100, 100, 0, 0)]
    [InlineData(100, 100, 64, -1)]
    [InlineData(0, 100, 64, 8)]
    public void Impossible_plans_are_refused(int width, int height, int tileSize, int overlap) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TileLayout.Plan(width, height, tileSize, overlap));
}
