using System.Buffers.Binary;
using System.IO.Compression;

namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// Encodes an 8-bit RGB PNG row by row straight to a stream, holding two rows and one IDAT chunk rather than the
/// image: each row gets the adaptive filter of <see cref="PngRowFilter"/>, one zlib stream compresses them all, and
/// the compressed bytes leave in fixed-size IDAT chunks. No metadata chunks are written. The destination stays
/// open; it belongs to the caller. Not thread-safe: one writer, one thread at a time.
/// </summary>
public sealed class PngStreamWriter : IRgbRowSink
{
    /// <summary>
    /// zlib level 2. Deflate is the slowest step of a large mosaic; on filtered photographs and paintings level 2
    /// comes within 1 % of level 6's size at 1.1–1.3× its speed, while level 1 (zlib-ng's "quick" mode, fixed
    /// Huffman codes) leaves files 10–60 % larger.
    /// </summary>
    public const int DefaultCompressionLevel = 2;

    /// <summary>Large enough that chunk framing (12 bytes) is noise, small enough that the buffer is too.</summary>
    internal const int DataChunkSize = 256 * 1024;

    private const int BytesPerPixel = 3;
    private const byte BitDepth = 8;
    private const byte TrueColour = 2;

    private readonly Stream destination;
    private readonly int compressionLevel;
    private readonly int stride;

    /// <summary>Index 0 holds the unfiltered current row (filter type None); 1–4 hold its Sub, Up, Average and Paeth filterings. Byte 0 of each is the filter type.</summary>
    private readonly byte[][] candidates;
    private byte[] previousRow;
    private PngDataChunkStream? chunks;
    private ZLibStream? compressor;
    private bool completed;
    private bool disposed;

    /// <param name="destination">Receives the PNG; written from the first row on, never closed.</param>
    /// <param name="width">Pixels per row.</param>
    /// <param name="height">Rows; <see cref="Complete"/> refuses to end the file before all are written.</param>
    /// <param name="compressionLevel">zlib level, 0 (stored) to 9 (smallest).</param>
    public PngStreamWriter(Stream destination, int width, int height, int compressionLevel = DefaultCompressionLevel)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(compressionLevel, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(compressionLevel, 9);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("The PNG destination stream must be writable.", nameof(destination));
        }

        // One filtered row (plus its type byte) has to fit in one array.
        if (((long)width * BytesPerPixel) + 1 > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "A PNG row this wide does not fit in one array.");
        }

        this.destination = destination;
        this.compressionLevel = compressionLevel;
        Width = width;
        Height = height;
        stride = width * BytesPerPixel;
        candidates = new byte[PngRowFilter.Count][];
        for (var filter = 0; filter < PngRowFilter.Count; filter++)
        {
            candidates[filter] = new byte[stride + 1];
            candidates[filter][0] = (byte)filter;
        }

        previousRow = new byte[stride + 1];
    }

    public int Width { get; }

    public int Height { get; }

    public int RowsWritten { get; private set; }

    /// <summary>Test hook: uses this filter type (0–4) for every row instead of choosing per row.</summary>
    internal int? ForcedFilter { get; init; }

    public void WriteRow(ReadOnlySpan<byte> row)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed || RowsWritten == Height)
        {
            throw new InvalidOperationException($"All {Height} rows of the PNG are already written.");
        }

        if (row.Length != stride)
        {
            throw new ArgumentException($"A row of this {Width} px wide RGB PNG is {stride} bytes, not {row.Length}.", nameof(row));
        }

        compressor ??= Start();

        var unfiltered = candidates[PngRowFilter.None];
        row.CopyTo(unfiltered.AsSpan(1));
        var chosen = PngRowFilter.Apply(
            unfiltered.AsSpan(1),
            previousRow.AsSpan(1),
            candidates[PngRowFilter.Sub].AsSpan(1),
            candidates[PngRowFilter.Up].AsSpan(1),
            candidates[PngRowFilter.Average].AsSpan(1),
            candidates[PngRowFilter.Paeth].AsSpan(1));
        compressor.Write(candidates[ForcedFilter ?? chosen]);

        // The row just written is the next row's predecessor; swapping avoids a copy.
        candidates[PngRowFilter.None] = previousRow;
        previousRow = unfiltered;
        RowsWritten++;
    }

    /// <summary>Ends the zlib stream, writes the last IDAT chunk and IEND, and flushes the destination.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (completed)
        {
            throw new InvalidOperationException("The PNG is already complete.");
        }

        if (RowsWritten != Height)
        {
            throw new InvalidOperationException($"Only {RowsWritten} of the PNG's {Height} rows were written; a PNG cannot end early.");
        }

        compressor!.Dispose();
        compressor = null;
        chunks!.Finish();
        PngDataChunkStream.WriteChunk(destination, "IEND"u8, []);
        destination.Flush();
        completed = true;
    }

    /// <summary>Releases the compressor. A writer disposed before <see cref="Complete"/> leaves a PNG without IEND, which readers reject as truncated.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        compressor?.Dispose();
        compressor = null;
    }

    private ZLibStream Start()
    {
        destination.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)Height);
        header[8] = BitDepth;
        header[9] = TrueColour;
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering, one type byte per row
        header[12] = 0; // not interlaced
        PngDataChunkStream.WriteChunk(destination, "IHDR"u8, header);

        chunks = new PngDataChunkStream(destination, DataChunkSize);
        return new ZLibStream(chunks, new ZLibCompressionOptions { CompressionLevel = compressionLevel }, leaveOpen: true);
    }
}
