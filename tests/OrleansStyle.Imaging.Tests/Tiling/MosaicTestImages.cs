using OrleansStyle.Imaging.Tiling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace OrleansStyle.Imaging.Tests.Tiling;

/// <summary>Synthetic renders for the mosaic tests, and the reference blend that <see cref="TileLayout.Compose"/> gives.</summary>
internal static class MosaicTestImages
{
    /// <summary>
    /// RGB24 tiles of a smooth, slightly noisy scene, each brightened or darkened by its own offset (up to ±40 levels),
    /// as separately rendered tiles disagree. Without the right feather weights the seams would be off by tens of levels.
    /// </summary>
    public static byte[][] RenderTiles(TileLayout layout, int seed = 7)
    {
        var random = new Random(seed);
        var tiles = new byte[layout.Tiles.Count][];
        foreach (var tile in layout.Tiles)
        {
            var offset = random.Next(-40, 41);
            var bytes = new byte[tile.Width * tile.Height * 3];
            for (var y = 0; y < tile.Height; y++)
            {
                for (var x = 0; x < tile.Width; x++)
                {
                    var globalX = tile.X + x;
                    var globalY = tile.Y + y;
                    var pixel = ((y * tile.Width) + x) * 3;
                    bytes[pixel] = Clamp((globalX * 255 / layout.Width) + offset + random.Next(-6, 7));
                    bytes[pixel + 1] = Clamp((globalY * 255 / layout.Height) - offset + random.Next(-6, 7));
                    bytes[pixel + 2] = Clamp(128 + (int)(90 * Math.Sin((globalX + globalY) / 17.0)) + offset);
                }
            }

            tiles[tile.Index] = bytes;
        }

        return tiles;
    }

    /// <summary>The tiles as planar floats (byte / 255), blended by Compose, rounded back to interleaved bytes.</summary>
    public static byte[] ComposeReference(TileLayout layout, byte[][] tiles)
    {
        var planar = layout.Tiles.Select(tile => ToPlanar(tiles[tile.Index], tile.Width, tile.Height)).ToArray();
        using var composed = layout.Compose(planar).ToRgb24();
        return Interleaved(composed);
    }

    public static byte[] Interleaved(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    public static int[] Shuffled(int count, int seed)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    public static int MaxDifference(byte[] first, byte[] second)
    {
        Assert.Equal(first.Length, second.Length);
        var worst = 0;
        for (var i = 0; i < first.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(first[i] - second[i]));
        }

        return worst;
    }

    public static PlanarImage ToPlanar(byte[] rgb24, int width, int height)
    {
        var image = new PlanarImage(width, height, 3);
        var plane = width * height;
        for (var pixel = 0; pixel < plane; pixel++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                image.Data[(channel * plane) + pixel] = rgb24[(pixel * 3) + channel] / 255f;
            }
        }

        return image;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
