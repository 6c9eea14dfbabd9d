using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// The picture as it arrives: full-width RGB bands in any order, kept as received (3 bytes a pixel, no float
/// copy). Windows for tiles are cut across band boundaries.
/// </summary>
public sealed class SourceImage(int width, int height)
{
    private readonly SortedList<int, PixelBuffer> _bands = [];

    public int Width { get; } = width;

    public int Height { get; } = height;

    public int RowsReceived { get; private set; }

    public bool IsComplete => RowsReceived == Height;

    /// <summary>Adds a band; the exact band sent twice is ignored; a band that overlaps others differently is an error.</summary>
    public void Add(SourceBand band)
    {
        var rows = band.Rows;
        var problems = rows.Validate($"Band at row {band.Y}");
        if (problems.Count > 0)
        {
            throw new InvalidJobException(string.Join(" ", problems));
        }

        if (rows.Channels != 3 || rows.Width != Width)
        {
            throw new InvalidJobException($"Band at row {band.Y} is {rows.Width}×{rows.Height}×{rows.Channels}: bands are full rows of RGB, {Width} pixels wide.");
        }

        if (band.Y < 0 || band.Y + rows.Height > Height)
        {
            throw new InvalidJobException($"Band rows {band.Y}–{band.Y + rows.Height - 1} fall outside the picture's {Height} rows.");
        }

        if (_bands.TryGetValue(band.Y, out var existing) && existing.Height == rows.Height)
        {
            return; // a resend after a lost acknowledgement
        }

        foreach (var (y, held) in _bands)
        {
            if (band.Y < y + held.Height && y < band.Y + rows.Height)
            {
                throw new InvalidJobException($"Band rows {band.Y}–{band.Y + rows.Height - 1} overlap rows {y}–{y + held.Height - 1} already received.");
            }
        }

        _bands.Add(band.Y, rows);
        RowsReceived += rows.Height;
    }

    /// <summary>The pixels of a rectangle (all its rows must have arrived).</summary>
    public PixelBuffer Crop(PixelRect rect)
    {
        var rowBytes = rect.Width * 3;
        var data = new byte[rowBytes * rect.Height];
        var bandIndex = 0;
        for (var row = 0; row < rect.Height; row++)
        {
            var y = rect.Y + row;
            while (_bands.Keys[bandIndex] + _bands.Values[bandIndex].Height <= y)
            {
                bandIndex++;
            }

            var bandY = _bands.Keys[bandIndex];
            var band = _bands.Values[bandIndex];
            Buffer.BlockCopy(band.Data, ((((y - bandY) * Width) + rect.X) * 3), data, row * rowBytes, rowBytes);
        }

        return new PixelBuffer(rect.Width, rect.Height, 3, data);
    }
}
