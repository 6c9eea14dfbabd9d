using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Imaging.Tests.Tiling;

/// <summary>Keeps every row it is given, so tests can compare the assembler's bytes before any encoder touches them.</summary>
internal sealed class CollectingRowSink(int width, int height) : IRgbRowSink
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public byte[] Pixels { get; } = new byte[width * height * 3];

    public int RowsWritten { get; private set; }

    public bool Completed { get; private set; }

    public bool Disposed { get; private set; }

    /// <summary>When set, writing this row fails the way a full disk would.</summary>
    public int? FailAtRow { get; init; }

    public void WriteRow(ReadOnlySpan<byte> row)
    {
        if (RowsWritten == FailAtRow)
        {
            throw new IOException("No space left on device.");
        }

        Assert.Equal(Width * 3, row.Length);
        row.CopyTo(Pixels.AsSpan(RowsWritten * Width * 3));
        RowsWritten++;
    }

    public void Complete()
    {
        Assert.Equal(Height, RowsWritten);
        Completed = true;
    }

    public void Dispose() => Disposed = true;
}
