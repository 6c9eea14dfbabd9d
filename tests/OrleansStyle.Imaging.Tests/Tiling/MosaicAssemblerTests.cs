using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Imaging.Tests.Tiling;

public sealed class MosaicAssemblerTests
{
    private readonly SafeImageReader reader = new();

    /// <summary>Odd tile sizes leave row lengths that are not a multiple of the vector width, so scalar tails run too.</summary>
    public static TheoryData<int, int, int, int> Layouts() => new()
    {
        { 300, 200, 96, 24 },
        { 257, 130, 70, 16 },
        { 161, 161, 100, 40 },
        { 64, 290, 64, 20 },
        { 50, 40, 256, 32 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Shuffled_tiles_give_the_pixels_of_Compose(int width, int height, int tileSize, int overlap)
    {
        var layout = TileLayout.Plan(width, height, tileSize, overlap);
        var tiles = MosaicTestImages.RenderTiles(layout);
        var sink = new CollectingRowSink(width, height);

        using (var assembler = new MosaicAssembler(layout, sink))
        {
            foreach (var index in MosaicTestImages.Shuffled(tiles.Length, seed: width))
            {
                assembler.Add(index, tiles[index]);
            }

            Assert.Equal(tiles.Length, assembler.TilesReceived);
            assembler.Complete();
        }

        Assert.True(sink.Completed);
        Assert.True(sink.Disposed);
        Assert.True(MosaicTestImages.MaxDifference(MosaicTestImages.ComposeReference(layout, tiles), sink.Pixels) <= 1);
    }

    [Fact]
    public void Seams_are_feathered_rather_than_pasted()
    {
        var layout = TileLayout.Plan(200, 60, 120, 40);
        var tiles = new[] { Solid(layout.Tiles[0], 0), Solid(layout.Tiles[1], 200) };
        var sink = new CollectingRowSink(layout.Width, layout.Height);

        using (var assembler = new MosaicAssembler(layout, sink))
        {
            assembler.Add(1, tiles[1]);
            assembler.Add(0, tiles[0]);
            assembler.Complete();
        }

        // Left of the overlap only tile 0 counts, right of it only tile 1, and across it the ramp climbs evenly.
        var overlapStart = layout.Tiles[1].X;
        var overlapEnd = layout.Tiles[0].X + layout.Tiles[0].Width;
        var red = Enumerable.Range(0, layout.Width).Select(x => (int)sink.Pixels[((30 * layout.Width) + x) * 3]).ToArray();
        Assert.All(red[..overlapStart], value => Assert.Equal(0, value));
        Assert.All(red[overlapEnd..], value => Assert.Equal(200, value));
        var middle = (overlapStart + overlapEnd) / 2;
        Assert.InRange(red[middle], 95, 105);
        for (var x = overlapStart + 1; x < overlapEnd; x++)
        {
            Assert.InRange(red[x] - red[x - 1], 1, 6);
        }
    }

    [Fact]
    public void Tiles_added_from_many_threads_at_once_give_the_pixels_of_Compose()
    {
        var layout = TileLayout.Plan(280, 260, 48, 12);
        var tiles = MosaicTestImages.RenderTiles(layout, seed: 11);
        var sink = new CollectingRowSink(layout.Width, layout.Height);

        using (var assembler = new MosaicAssembler(layout, sink))
        {
            Parallel.ForEach(
                MosaicTestImages.Shuffled(tiles.Length, seed: 3),
                new ParallelOptions { MaxDegreeOfParallelism = 8 },
                index => assembler.Add(index, new ReadOnlyMemory<byte>(tiles[index])));
            assembler.Complete();
        }

        Assert.True(MosaicTestImages.MaxDifference(MosaicTestImages.ComposeReference(layout, tiles), sink.Pixels) <= 1);
    }

    [Fact]
    public void Png_output_decodes_through_SafeImageReader_to_exactly_the_blended_rows()
    {
        var layout = TileLayout.Plan(290, 230, 80, 20);
        var tiles = MosaicTestImages.RenderTiles(layout, seed: 5);
        var expected = Assemble(layout, tiles);

        using var png = new MemoryStream();
        using (var assembler = MosaicAssembler.ToStream(layout, png, OutputFormat.Png))
        {
            foreach (var index in MosaicTestImages.Shuffled(tiles.Length, seed: 9))
            {
                assembler.Add(index, tiles[index]);
            }

            assembler.Complete();
        }

        var bytes = png.ToArray();
        Assert.Equal(new ImageHeader(ImageFileFormat.Png, 290, 230), reader.Inspect(bytes));
        using var decoded = reader.ReadRgb(bytes);
        Assert.Equal(expected, MosaicTestImages.Interleaved(decoded));
    }

    [Theory]
    [InlineData(OutputFormat.Jpeg, ImageFileFormat.Jpeg, 30)]
    [InlineData(OutputFormat.WebpLossy, ImageFileFormat.Webp, 30)]
    [InlineData(OutputFormat.WebpLossless, ImageFileFormat.Webp, double.PositiveInfinity)]
    public void Jpeg_and_webp_outputs_decode_close_to_the_blended_rows(OutputFormat format, ImageFileFormat expectedFormat, double minimumPsnr)
    {
        var layout = TileLayout.Plan(240, 180, 90, 24);
        var tiles = MosaicTestImages.RenderTiles(layout, seed: 13);
        var expected = Assemble(layout, tiles);

        using var encoded = new MemoryStream();
        using (var assembler = MosaicAssembler.ToStream(layout, encoded, format, quality: 95))
        {
            foreach (var index in MosaicTestImages.Shuffled(tiles.Length, seed: 1))
            {
                assembler.Add(index, tiles[index]);
            }

            assembler.Complete();
        }

        var bytes = encoded.ToArray();
        Assert.Equal(new ImageHeader(expectedFormat, 240, 180), reader.Inspect(bytes));
        using var decoded = reader.ReadRgb(bytes);
        var psnr = StylisationQuality.Psnr(MosaicTestImages.ToPlanar(expected, 240, 180), decoded.ToPlanar());
        Assert.True(psnr >= minimumPsnr, $"PSNR {psnr:F1} dB");
    }

    [Fact]
    public void Tiles_arriving_row_by_row_are_dropped_so_at_most_two_tile_rows_are_held()
    {
        var layout = TileLayout.Plan(150, 900, 64, 16);
        Assert.True(layout.RowCount >= 15);
        var tiles = MosaicTestImages.RenderTiles(layout);
        var sink = new CollectingRowSink(layout.Width, layout.Height);
        var twoTileRows = 2 * layout.ColumnCount;

        using var assembler = new MosaicAssembler(layout, sink);
        foreach (var tile in layout.Tiles)
        {
            assembler.Add(tile.Index, tiles[tile.Index]);
            Assert.InRange(assembler.RetainedTiles, 0, twoTileRows);

            // A finished tile row releases every row above the next tile row at once.
            var rowFinished = tile.Column == layout.ColumnCount - 1;
            var expectedRows = !rowFinished ? (tile.Row == 0 ? 0 : layout.Tiles[tile.Row * layout.ColumnCount].Y)
                : tile.Row == layout.RowCount - 1 ? layout.Height
                : layout.Tiles[(tile.Row + 1) * layout.ColumnCount].Y;
            Assert.Equal(expectedRows, assembler.RowsWritten);
        }

        Assert.Equal(twoTileRows, assembler.PeakRetainedTiles);
        Assert.Equal(0, assembler.RetainedTiles);
        assembler.Complete();
        Assert.True(MosaicTestImages.MaxDifference(MosaicTestImages.ComposeReference(layout, tiles), sink.Pixels) <= 1);
    }

    [Fact]
    public void Tiles_arriving_bottom_up_are_all_held_until_the_top_row_arrives()
    {
        var layout = TileLayout.Plan(150, 400, 64, 16);
        var tiles = MosaicTestImages.RenderTiles(layout);
        var sink = new CollectingRowSink(layout.Width, layout.Height);

        using var assembler = new MosaicAssembler(layout, sink);
        foreach (var index in Enumerable.Range(0, tiles.Length).Reverse())
        {
            Assert.Equal(0, assembler.RowsWritten);
            assembler.Add(index, tiles[index]);
        }

        Assert.Equal(tiles.Length, assembler.PeakRetainedTiles);
        Assert.Equal(layout.Height, assembler.RowsWritten);
        Assert.Equal(0, assembler.RetainedTiles);
    }

    [Fact]
    public void A_tile_given_twice_is_refused()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        var tiles = MosaicTestImages.RenderTiles(layout);
        using var assembler = new MosaicAssembler(layout, new CollectingRowSink(100, 100));
        assembler.Add(2, tiles[2]);

        var error = Assert.Throws<ArgumentException>(() => assembler.Add(2, tiles[2]));

        Assert.Contains("Tile 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("already added", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, assembler.TilesReceived);
    }

    [Fact]
    public void A_buffer_of_the_wrong_size_is_refused()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        using var assembler = new MosaicAssembler(layout, new CollectingRowSink(100, 100));

        var error = Assert.Throws<ArgumentException>(() => assembler.Add(0, new byte[(64 * 64 * 3) - 1]));

        Assert.Equal("rgb24", error.ParamName);
        Assert.Contains("12288 bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, assembler.TilesReceived);
        assembler.Add(0, new byte[64 * 64 * 3]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void A_tile_index_outside_the_layout_is_refused(int index)
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        using var assembler = new MosaicAssembler(layout, new CollectingRowSink(100, 100));

        Assert.Equal(4, assembler.TileCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => assembler.Add(index, new byte[64 * 64 * 3]));
    }

    [Fact]
    public void Complete_names_the_missing_tiles_and_still_accepts_them_afterwards()
    {
        var layout = TileLayout.Plan(300, 200, 64, 16);
        var tiles = MosaicTestImages.RenderTiles(layout);
        var sink = new CollectingRowSink(layout.Width, layout.Height);
        int[] missing = [3, 7, 12];

        using var assembler = new MosaicAssembler(layout, sink);
        foreach (var index in Enumerable.Range(0, tiles.Length).Except(missing))
        {
            assembler.Add(index, tiles[index]);
        }

        var error = Assert.Throws<InvalidOperationException>(assembler.Complete);
        Assert.Contains($"3 of its {tiles.Length} tiles never arrived: 3, 7, 12.", error.Message, StringComparison.Ordinal);
        Assert.Equal(missing, assembler.MissingTiles());
        Assert.False(sink.Completed);

        foreach (var index in missing)
        {
            assembler.Add(index, tiles[index]);
        }

        assembler.Complete();
        Assert.True(sink.Completed);
        Assert.Empty(assembler.MissingTiles());
        Assert.True(MosaicTestImages.MaxDifference(MosaicTestImages.ComposeReference(layout, tiles), sink.Pixels) <= 1);
        Assert.Throws<InvalidOperationException>(assembler.Complete);
        Assert.Throws<InvalidOperationException>(() => assembler.Add(0, tiles[0]));
    }

    [Fact]
    public void A_failing_sink_fails_the_add_that_wrote_and_every_later_call()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        var tiles = MosaicTestImages.RenderTiles(layout);
        using var assembler = new MosaicAssembler(layout, new CollectingRowSink(100, 100) { FailAtRow = 10 });
        assembler.Add(0, tiles[0]);

        Assert.Throws<IOException>(() => assembler.Add(1, tiles[1]));
        var later = Assert.Throws<InvalidOperationException>(() => assembler.Add(2, tiles[2]));
        Assert.IsType<IOException>(later.InnerException);
        Assert.Throws<InvalidOperationException>(assembler.Complete);
    }

    [Fact]
    public void A_sink_of_another_size_is_refused()
    {
        var layout = TileLayout.Plan(100, 100, 64, 16);
        using var sink = new CollectingRowSink(100, 99);

        Assert.Throws<ArgumentException>(() => new MosaicAssembler(layout, sink));
    }

    [Fact]
    public void Webp_larger_than_its_format_allows_is_refused_before_any_tile_arrives()
    {
        var layout = TileLayout.Plan(20_000, 100, 1024, 64);
        using var destination = new MemoryStream();

        Assert.Throws<ArgumentOutOfRangeException>(() => MosaicAssembler.ToStream(layout, destination, OutputFormat.WebpLossless));
    }

    private static byte[] Assemble(TileLayout layout, byte[][] tiles)
    {
        var sink = new CollectingRowSink(layout.Width, layout.Height);
        using var assembler = new MosaicAssembler(layout, sink);
        foreach (var tile in layout.Tiles)
        {
            assembler.Add(tile.Index, tiles[tile.Index]);
        }

        assembler.Complete();
        return sink.Pixels;
    }

    private static byte[] Solid(Tile tile, byte red)
    {
        var bytes = new byte[tile.Width * tile.Height * 3];
        for (var pixel = 0; pixel < bytes.Length; pixel += 3)
        {
            bytes[pixel] = red;
        }

        return bytes;
    }
}
