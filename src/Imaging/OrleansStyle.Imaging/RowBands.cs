namespace OrleansStyle.Imaging;

/// <summary>Splits row-wise work into one band per core; small jobs run inline because scheduling would cost more.</summary>
internal static class RowBands
{
    private const long MinimumWorkPerBand = 32_768;

    public static void For(int rows, long workPerRow, Action<int, int> body)
    {
        var bands = (int)Math.Clamp(rows * workPerRow / MinimumWorkPerBand, 1, Math.Min(Environment.ProcessorCount, rows));
        if (bands <= 1)
        {
            body(0, rows);
            return;
        }

        Parallel.For(0, bands, band => body(rows * band / bands, rows * (band + 1) / bands));
    }
}
