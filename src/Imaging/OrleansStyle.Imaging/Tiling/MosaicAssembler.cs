using System.Globalization;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// Assembles the rendered tiles of a <see cref="TileLayout"/> into one encoded image without ever holding the whole
/// picture. Tiles arrive in any order, from any thread, as compact RGB24 buffers. Each output row is blended exactly as
/// <see cref="TileLayout.Compose"/> blends (feather weights in float, rounded to bytes once) and handed to an
/// <see cref="IRgbRowSink"/> as soon as every tile covering it has arrived, and a tile's buffer is dropped as soon as no
/// unwritten row needs it. Memory is therefore the tiles still waiting for their neighbours plus one row: about two tile
/// rows when tiles arrive roughly in row order, instead of a float copy of the whole image.
/// </summary>
/// <remarks>
/// Rows are written by the thread whose <see cref="Add(int, ReadOnlySpan{byte})"/> completes them (one thread at a
/// time; other threads only deposit their tile and return), so an Add that completes a band of rows blends and encodes
/// it before returning. The assembler owns the sink and disposes it.
/// </remarks>
public sealed class MosaicAssembler : IDisposable
{
    private const int BytesPerPixel = 3;
    private const int MaxListedMissingTiles = 32;

    private readonly object gate = new();
    private readonly IRgbRowSink sink;
    private readonly int columnCount;
    private readonly int[] tileRowTops;
    private readonly int[] tileRowBottoms;

    /// <summary>Each column's feather weights repeated per channel, to weight interleaved RGB bytes directly.</summary>
    private readonly float[][] interleavedColumnWeights;

    // Guarded by gate.
    private readonly byte[]?[] tileBuffers;
    private readonly bool[] claimed;
    private readonly int[] storedPerTileRow;
    private readonly Stack<byte[]> spareBuffers = new();
    private int completeLeadingTileRows;
    private int releasedTileRows;
    private int tilesReceived;
    private int retainedTiles;
    private int peakRetainedTiles;
    private bool emitting;
    private bool completed;
    private bool disposed;
    private Exception? failure;

    // Touched only by the one thread that is emitting (see emitting); read elsewhere with Volatile.
    private readonly float[] blendedRow;
    private readonly byte[] outputRow;
    private int rowsWritten;
    private int firstUnfinishedTileRow;

    /// <param name="layout">The tiles to expect.</param>
    /// <param name="sink">Receives the rows; its size must match the layout. The assembler disposes it.</param>
    public MosaicAssembler(TileLayout layout, IRgbRowSink sink)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(sink);
        if (sink.Width != layout.Width || sink.Height != layout.Height)
        {
            throw new ArgumentException(
                $"The sink is {sink.Width}×{sink.Height} but the tile layout is {layout.Width}×{layout.Height}.", nameof(sink));
        }

        Layout = layout;
        this.sink = sink;
        columnCount = layout.ColumnCount;
        tileRowTops = new int[layout.RowCount];
        tileRowBottoms = new int[layout.RowCount];
        for (var row = 0; row < layout.RowCount; row++)
        {
            var first = layout.Tiles[row * columnCount];
            tileRowTops[row] = first.Y;
            tileRowBottoms[row] = first.Y + first.Height;
        }

        interleavedColumnWeights = new float[columnCount][];
        for (var column = 0; column < columnCount; column++)
        {
            var weights = layout.ColumnWeights(column);
            var interleaved = new float[weights.Length * BytesPerPixel];
            for (var x = 0; x < weights.Length; x++)
            {
                interleaved.AsSpan(x * BytesPerPixel, BytesPerPixel).Fill(weights[x]);
            }

            interleavedColumnWeights[column] = interleaved;
        }

        tileBuffers = new byte[]?[layout.Tiles.Count];
        claimed = new bool[layout.Tiles.Count];
        storedPerTileRow = new int[layout.RowCount];
        blendedRow = new float[layout.Width * BytesPerPixel];
        outputRow = new byte[layout.Width * BytesPerPixel];
    }

    public TileLayout Layout { get; }

    public int TileCount => tileBuffers.Length;

    /// <summary>Tiles accepted so far (progress).</summary>
    public int TilesReceived => Volatile.Read(ref tilesReceived);

    /// <summary>Output rows handed to the sink so far.</summary>
    public int RowsWritten => Volatile.Read(ref rowsWritten);

    /// <summary>Tile buffers held right now: tiles received whose rows are not all written.</summary>
    public int RetainedTiles
    {
        get
        {
            lock (gate)
            {
                return retainedTiles;
            }
        }
    }

    /// <summary>The most tile buffers held at once; times the tile size, this is the assembler's peak memory.</summary>
    public int PeakRetainedTiles
    {
        get
        {
            lock (gate)
            {
                return peakRetainedTiles;
            }
        }
    }

    /// <summary>
    /// An assembler that encodes to <paramref name="destination"/>: PNG streams row by row through
    /// <see cref="PngStreamWriter"/>; JPEG and WebP collect 3 bytes per pixel for their encoders
    /// (<see cref="BufferedImageSink"/>). The destination stays open.
    /// </summary>
    public static MosaicAssembler ToStream(
        TileLayout layout, Stream destination, OutputFormat format = OutputFormat.Png, int quality = ImageWriter.DefaultQuality)
    {
        ArgumentNullException.ThrowIfNull(layout);
        IRgbRowSink sink = format == OutputFormat.Png
            ? new PngStreamWriter(destination, layout.Width, layout.Height)
            : new BufferedImageSink(destination, layout.Width, layout.Height, format, quality);
        return new MosaicAssembler(layout, sink);
    }

    public void Add(int tileIndex, ReadOnlyMemory<byte> rgb24) => Add(tileIndex, rgb24.Span);

    /// <summary>
    /// Accepts tile <paramref name="tileIndex"/> (an index into <see cref="TileLayout.Tiles"/>) as
    /// <c>Width · Height · 3</c> bytes of row-major interleaved RGB. The bytes are copied, so the caller may reuse
    /// the buffer. Thread-safe. If the tile completes rows, they are written before this returns.
    /// </summary>
    public void Add(int tileIndex, ReadOnlySpan<byte> rgb24)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tileIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tileIndex, TileCount);
        var tile = Layout.Tiles[tileIndex];
        var length = tile.Width * tile.Height * BytesPerPixel;
        if (rgb24.Length != length)
        {
            throw new ArgumentException(
                Invariant($"Tile {tileIndex} is {tile.Width}×{tile.Height} px, so its RGB24 buffer must be {length} bytes, but it is {rgb24.Length}."),
                nameof(rgb24));
        }

        byte[]? buffer;
        lock (gate)
        {
            ThrowIfUnusable();
            if (claimed[tileIndex])
            {
                throw new ArgumentException(
                    Invariant($"Tile {tileIndex} (column {tile.Column}, row {tile.Row}) was already added; each tile is accepted once."),
                    nameof(tileIndex));
            }

            claimed[tileIndex] = true;
            buffer = spareBuffers.Count > 0 && spareBuffers.Peek().Length == length ? spareBuffers.Pop() : null;
        }

        // Copy outside the lock so that concurrent Adds and the emitting thread do not queue behind a large memcpy.
        try
        {
            buffer ??= new byte[length];
            rgb24.CopyTo(buffer);
        }
        catch
        {
            lock (gate)
            {
                claimed[tileIndex] = false;
            }

            throw;
        }

        lock (gate)
        {
            tileBuffers[tileIndex] = buffer;
            tilesReceived++;
            retainedTiles++;
            peakRetainedTiles = Math.Max(peakRetainedTiles, retainedTiles);
            storedPerTileRow[tile.Row]++;
            while (completeLeadingTileRows < storedPerTileRow.Length && storedPerTileRow[completeLeadingTileRows] == columnCount)
            {
                completeLeadingTileRows++;
            }
        }

        WriteReadyRows();
    }

    /// <summary>Indices of the tiles not yet received, ascending.</summary>
    public IReadOnlyList<int> MissingTiles()
    {
        lock (gate)
        {
            return MissingTilesLocked();
        }
    }

    /// <summary>
    /// Finishes the output once every tile has arrived. With tiles missing it throws an
    /// <see cref="InvalidOperationException"/> naming them and changes nothing, so the missing tiles can still be added.
    /// </summary>
    public void Complete()
    {
        lock (gate)
        {
            ThrowIfUnusable();
            var missing = MissingTilesLocked();
            if (missing.Count > 0)
            {
                var listed = string.Join(", ", missing.Take(MaxListedMissingTiles));
                var more = missing.Count > MaxListedMissingTiles ? Invariant($" and {missing.Count - MaxListedMissingTiles} more") : "";
                throw new InvalidOperationException(
                    Invariant($"Cannot complete the {Layout.Width}×{Layout.Height} mosaic: {missing.Count} of its {TileCount} tiles never arrived: {listed}{more}."));
            }
        }

        // The Add that stored the last tile may not have reached its own WriteReadyRows yet; write whatever is left.
        WriteReadyRows();
        lock (gate)
        {
            while (emitting)
            {
                Monitor.Wait(gate);
            }

            ThrowIfUnusable();
            if (rowsWritten != Layout.Height)
            {
                throw new InvalidOperationException(
                    Invariant($"Only {rowsWritten} of the mosaic's {Layout.Height} rows were written although every tile arrived."));
            }

            completed = true;
            spareBuffers.Clear();
        }

        sink.Complete();
    }

    /// <summary>Drops every tile and disposes the sink. Not to be called while Add or Complete is running.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            Array.Clear(tileBuffers);
            spareBuffers.Clear();
            retainedTiles = 0;
        }

        sink.Dispose();
    }

    /// <summary>
    /// Writes rows while the tiles cover them. Only one thread writes at a time; a thread that finds another one
    /// writing leaves its rows to it, and that thread re-checks under the lock before it stops, so no row is stranded.
    /// </summary>
    private void WriteReadyRows()
    {
        int start;
        int end;
        lock (gate)
        {
            if (emitting || disposed || failure is not null)
            {
                return;
            }

            start = rowsWritten;
            end = ReadyRowsEnd();
            if (end == start)
            {
                return;
            }

            emitting = true;
        }

        try
        {
            while (true)
            {
                for (var y = start; y < end; y++)
                {
                    BlendRow(y);
                    sink.WriteRow(outputRow);
                    Volatile.Write(ref rowsWritten, y + 1);
                }

                lock (gate)
                {
                    ReleaseFinishedTiles();
                    start = end;
                    end = ReadyRowsEnd();
                    if (end == start)
                    {
                        emitting = false;
                        Monitor.PulseAll(gate);
                        return;
                    }
                }
            }
        }
        catch (Exception exception)
        {
            lock (gate)
            {
                failure = exception;
                emitting = false;
                Monitor.PulseAll(gate);
            }

            throw;
        }
    }

    /// <summary>Rows above the first tile row that is still missing a tile have all their tiles. Call under the lock.</summary>
    private int ReadyRowsEnd() =>
        completeLeadingTileRows == tileRowTops.Length ? Layout.Height : tileRowTops[completeLeadingTileRows];

    /// <summary>
    /// Sums the weighted tiles covering row <paramref name="y"/> in tile-index order, the order Compose adds them,
    /// then rounds to bytes into <see cref="outputRow"/>.
    /// </summary>
    private void BlendRow(int y)
    {
        while (tileRowBottoms[firstUnfinishedTileRow] <= y)
        {
            firstUnfinishedTileRow++;
        }

        Array.Clear(blendedRow);
        for (var tileRow = firstUnfinishedTileRow; tileRow < tileRowTops.Length && tileRowTops[tileRow] <= y; tileRow++)
        {
            var localY = y - tileRowTops[tileRow];
            var rowWeight = Layout.RowWeights(tileRow)[localY];
            for (var column = 0; column < columnCount; column++)
            {
                var tile = Layout.Tiles[(tileRow * columnCount) + column];
                var rowBytes = tile.Width * BytesPerPixel;
                var source = tileBuffers[tile.Index]!.AsSpan(localY * rowBytes, rowBytes);
                var target = blendedRow.AsSpan(tile.X * BytesPerPixel, rowBytes);
                RgbRowBlending.AccumulateWeighted(source, interleavedColumnWeights[column], rowWeight, target);
            }
        }

        RgbRowBlending.ToBytes(blendedRow, outputRow);
    }

    /// <summary>Drops the tiles of every tile row that lies wholly above the next unwritten row. Call under the lock.</summary>
    private void ReleaseFinishedTiles()
    {
        var spareLimit = 2 * columnCount;
        while (releasedTileRows < tileRowBottoms.Length && tileRowBottoms[releasedTileRows] <= rowsWritten)
        {
            for (var column = 0; column < columnCount; column++)
            {
                var index = (releasedTileRows * columnCount) + column;
                var buffer = tileBuffers[index]!;
                tileBuffers[index] = null;
                retainedTiles--;

                // Reusing released buffers for the next tiles keeps large-object allocations (and RSS) flat.
                if (spareBuffers.Count < spareLimit)
                {
                    spareBuffers.Push(buffer);
                }
            }

            releasedTileRows++;
        }
    }

    private List<int> MissingTilesLocked()
    {
        var missing = new List<int>();
        for (var index = 0; index < tileBuffers.Length; index++)
        {
            var tile = Layout.Tiles[index];
            var stored = tile.Row < releasedTileRows || tileBuffers[index] is not null;
            if (!stored)
            {
                missing.Add(index);
            }
        }

        return missing;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed)
        {
            throw new InvalidOperationException("The mosaic is already complete.");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("The mosaic cannot continue: writing its rows failed earlier.", failure);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
