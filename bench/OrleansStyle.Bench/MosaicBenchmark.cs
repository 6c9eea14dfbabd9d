using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Bench;

/// <summary>
/// Streams a synthetic N-megapixel render through <see cref="MosaicAssembler"/> into a PNG file, the way the farm
/// assembles a poster: 1024 px tiles with 64 px overlap, rendered on the fly, arriving row by row but out of order
/// within about one tile row.
/// </summary>
internal static class MosaicBenchmark
{
    private const int TileSize = 1024;
    private const int Overlap = 64;

    public static void Run(double megapixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(megapixels, 0);

        // 16:9, so 100 MP is 13 333 × 7 500.
        var width = (int)Math.Round(Math.Sqrt(megapixels * 1e6 * 16 / 9));
        var height = (int)Math.Round(megapixels * 1e6 / width);
        var layout = TileLayout.Plan(width, height, TileSize, Overlap);
        var order = ArrivalOrder(layout, new Random(42));
        var path = Path.Combine(Path.GetTempPath(), $"orleans-style-mosaic-{Environment.ProcessId}.png");
        var tile = new byte[TileSize * TileSize * 3];

        try
        {
            var assembling = new Stopwatch();
            var total = Stopwatch.StartNew();
            int peakTiles;
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            using (var assembler = MosaicAssembler.ToStream(layout, file, OutputFormat.Png))
            {
                foreach (var index in order)
                {
                    var bytes = tile.AsSpan(0, layout.Tiles[index].Width * layout.Tiles[index].Height * 3);
                    Render(layout, layout.Tiles[index], bytes);
                    assembling.Start();
                    assembler.Add(index, bytes);
                    assembling.Stop();
                }

                assembling.Start();
                assembler.Complete();
                assembling.Stop();
                peakTiles = assembler.PeakRetainedTiles;
            }

            total.Stop();
            var peakResident = PeakResidentBytes();
            var outputBytes = new FileInfo(path).Length;

            // Checked after the peak is read: the reader holds the whole file.
            var header = new SafeImageReader().Inspect(File.ReadAllBytes(path));
            if (header.Format != ImageFileFormat.Png || header.Width != width || header.Height != height)
            {
                throw new InvalidOperationException($"The mosaic came out as {header}.");
            }

            var rawBytes = (double)width * height * 3;
            Console.WriteLine("| image | tiles (held at peak) | assemble + encode s | total s | MB/s (raw RGB) | PNG size | peak RSS (VmHWM) | threads |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            Console.WriteLine(Invariant(
                $"| {width}×{height} ({width * (double)height / 1e6:F0} MP) | {layout.ColumnCount}×{layout.RowCount} ({peakTiles}) | {assembling.Elapsed.TotalSeconds:F1} | {total.Elapsed.TotalSeconds:F1} | {rawBytes / 1e6 / assembling.Elapsed.TotalSeconds:F0} | {outputBytes / 1048576.0:F0} MiB ({outputBytes / rawBytes * 100:F0} % of raw) | {Mib(peakResident)} | {Environment.ProcessorCount} |"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Row-major with every tile displaced by up to one tile row, as workers finish at different times.</summary>
    private static int[] ArrivalOrder(TileLayout layout, Random random) =>
        Enumerable.Range(0, layout.Tiles.Count)
            .OrderBy(index => index + (random.NextDouble() * layout.ColumnCount))
            .ToArray();

    /// <summary>
    /// Gradients, a diagonal wave and per-pixel noise (so PNG filters and deflate do real work), with a per-tile
    /// brightness offset as separately rendered tiles disagree in their overlaps.
    /// </summary>
    private static void Render(TileLayout layout, Tile tile, Span<byte> rgb24)
    {
        var state = (uint)(tile.Index * 2_654_435_761L) | 1;
        var offset = (int)(NextRandom(ref state) % 13) - 6;
        var wave = new byte[tile.Width + tile.Height];
        for (var i = 0; i < wave.Length; i++)
        {
            wave[i] = (byte)(128 + (100 * Math.Sin((tile.X + tile.Y + i) / 300.0)));
        }

        for (var y = 0; y < tile.Height; y++)
        {
            var green = ((tile.Y + y) * 255 / layout.Height) - offset;
            var row = rgb24.Slice(y * tile.Width * 3, tile.Width * 3);
            for (var x = 0; x < tile.Width; x++)
            {
                var noise = NextRandom(ref state);
                var red = ((tile.X + x) * 255 / layout.Width) + offset;
                row[x * 3] = Clamp(red + (int)(noise & 7) - 4);
                row[(x * 3) + 1] = Clamp(green + (int)((noise >> 8) & 7) - 4);
                row[(x * 3) + 2] = Clamp(wave[x + y] + (int)((noise >> 16) & 7) - 4);
            }
        }
    }

    private static uint NextRandom(ref uint state)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    /// <summary>The process's resident high-water mark, which also counts native zlib memory the GC does not see.</summary>
    private static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new PlatformNotSupportedException("/proc/self/status has no VmHWM line; peak RSS needs Linux.");
    }

    private static string Mib(long bytes) => Invariant($"{bytes / 1048576.0:F0} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
