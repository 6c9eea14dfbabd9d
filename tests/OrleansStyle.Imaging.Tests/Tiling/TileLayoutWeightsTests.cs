using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Imaging.Tests.Tiling;

public sealed class TileLayoutWeightsTests
{
    [Theory]
    [InlineData(300, 200, 96, 24)]
    [InlineData(161, 161, 100, 40)]
    [InlineData(50, 40, 256, 32)]
    public void Column_and_row_weights_multiply_to_the_feather_masks(int width, int height, int tileSize, int overlap)
    {
        var layout = TileLayout.Plan(width, height, tileSize, overlap);

        foreach (var tile in layout.Tiles)
        {
            var columnWeights = layout.ColumnWeights(tile.Column).ToArray();
            var rowWeights = layout.RowWeights(tile.Row).ToArray();
            var mask = layout.FeatherMask(tile);
            Assert.Equal(tile.Width, columnWeights.Length);
            Assert.Equal(tile.Height, rowWeights.Length);
            for (var y = 0; y < tile.Height; y++)
            {
                for (var x = 0; x < tile.Width; x++)
                {
                    Assert.Equal(mask.Data[(y * tile.Width) + x], columnWeights[x] * rowWeights[y]);
                }
            }
        }
    }

    [Fact]
    public void Weights_of_a_column_or_row_outside_the_layout_are_refused()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);

        Assert.Throws<ArgumentOutOfRangeException>(() => layout.ColumnWeights(layout.ColumnCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.RowWeights(-1));
    }
}
