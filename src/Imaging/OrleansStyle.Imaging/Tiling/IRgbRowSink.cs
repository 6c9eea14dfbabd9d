namespace OrleansStyle.Imaging.Tiling;

/// <summary>
/// Receives an 8-bit RGB image one row at a time, top to bottom, so whoever produces it never has to hold the whole
/// picture. A row is <c>Width · 3</c> bytes of interleaved R, G, B. Calls come from one thread at a time.
/// </summary>
public interface IRgbRowSink : IDisposable
{
    int Width { get; }

    int Height { get; }

    /// <summary>Appends the next row. The span is only read during the call, so callers may reuse it.</summary>
    void WriteRow(ReadOnlySpan<byte> row);

    /// <summary>Finishes the output once all <see cref="Height"/> rows are written; refuses to end a partial image.</summary>
    void Complete();
}
