using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// The picture as it arrives: full-width RGB bands in any order, each written to the job's spool as received
/// (3 bytes a pixel, no float copy, nothing held in memory). Windows for tiles are read back row by row at their
/// offsets, across band boundaries. <paramref name="bands"/> is the job's persisted band list, shared with its state.
/// </summary>
public sealed class SpooledSource(JobSpool spool, string jobId, int width, int height, SortedDictionary<int, int> bands)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public int RowsReceived => bands.Values.Sum();

    public bool IsComplete => RowsReceived == Height;

    /// <summary>
    /// Checks and spools a band; false for the exact band sent twice (a resend after a lost acknowledgement), an error
    /// for a band that overlaps others differently.
    /// </summary>
    public async Task<bool> AddAsync(SourceBand band, CancellationToken cancellationToken = default)
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

        if (bands.TryGetValue(band.Y, out var held) && held == rows.Height)
        {
            return false;
        }

        foreach (var (y, count) in bands)
        {
            if (band.Y < y + count && y < band.Y + rows.Height)
            {
                throw new InvalidJobException($"Band rows {band.Y}–{band.Y + rows.Height - 1} overlap rows {y}–{y + count - 1} already received.");
            }
        }

        // A band spooled by an activation that died before recording it is the same band: the first write stands.
        await spool.TryWriteAsync(jobId, RenderJobSpoolKeys.Band(band.Y), rows.Data, cancellationToken);
        bands.Add(band.Y, rows.Height);
        return true;
    }

    /// <summary>
    /// The pixels of a rectangle (all its rows must have arrived), read from the spooled bands; on an array of
    /// <paramref name="pool"/> when given (the caller returns it).
    /// </summary>
    public async Task<PixelBuffer> CropAsync(PixelRect rect, PixelBufferPool? pool = null, CancellationToken cancellationToken = default)
    {
        var rowBytes = rect.Width * 3;
        var data = pool?.Rent(rowBytes * rect.Height) ?? new byte[rowBytes * rect.Height];
        foreach (var (bandY, rows) in bands)
        {
            var from = Math.Max(bandY, rect.Y);
            var to = Math.Min(bandY + rows, rect.Y + rect.Height);
            if (from >= to)
            {
                continue;
            }

            using var handle = spool.OpenRead(jobId, RenderJobSpoolKeys.Band(bandY));
            for (var y = from; y < to; y++)
            {
                var offset = ((((long)(y - bandY) * Width) + rect.X) * 3);
                var target = data.AsMemory((y - rect.Y) * rowBytes, rowBytes);
                var read = await RandomAccess.ReadAsync(handle, target, offset, cancellationToken);
                if (read != rowBytes)
                {
                    throw new SpoolItemMissingException($"Job {jobId}'s spooled band at row {bandY} is shorter than its {rows} rows.");
                }
            }
        }

        return new PixelBuffer(rect.Width, rect.Height, 3, data);
    }
}
