using System.Buffers.Binary;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Tests.Shared;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace OrleansStyle.Gateway.Tests;

/// <summary>A tiny random two-style model in a temp model folder, photos encoded as uploads, and crafted bad files.</summary>
internal static class GatewayFixtures
{
    public const string Multi = "tiny-multi";

    private static readonly Lazy<string> LazyModels = new(WriteModels);

    public static string ModelDirectory => LazyModels.Value;

    public static PixelBuffer Photo(string name, int width, int height)
    {
        using var image = new SafeImageReader().ReadRgb(SampleImages.Content(name));
        return image.ToPlanar().Resize(width, height).ToPixelBuffer();
    }

    public static PixelBuffer Painting(string name, int width, int height)
    {
        using var image = new SafeImageReader().ReadRgb(SampleImages.Style(name));
        return image.ToPlanar().Resize(width, height).ToPixelBuffer();
    }

    public static byte[] Encode(PixelBuffer pixels, OutputFormat format = OutputFormat.Png)
    {
        using var image = pixels.Channels == 3
            ? (Image)Image.LoadPixelData<Rgb24>(pixels.Data, pixels.Width, pixels.Height)
            : Image.LoadPixelData<L8>(pixels.Data, pixels.Width, pixels.Height);
        return ImageWriter.Encode(image, format, quality: 95);
    }

    /// <summary>The upload decoded independently of the gateway, as an in-process caller would.</summary>
    public static PixelBuffer Decode(byte[] encoded)
    {
        using var image = new SafeImageReader().ReadRgb(encoded);
        return image.ToPlanar().ToPixelBuffer();
    }

    public static PixelBuffer Mask(int width, int height) =>
        new(width, height, 1, [.. Enumerable.Range(0, width * height).Select(i => (byte)(i % width < width / 2 ? 255 : 0))]);

    /// <summary>A PNG whose header claims <paramref name="width"/>×<paramref name="height"/> with a few bytes of data.</summary>
    public static byte[] DecompressionBomb(uint width = 30_000, uint height = 30_000) => CraftedPng.Claiming(width, height);

    /// <summary>A well-formed PNG container (valid header and CRCs) whose compressed pixels are garbage.</summary>
    public static byte[] CorruptPng() => CraftedPng.Claiming(64, 48, [.. Enumerable.Range(0, 300).Select(i => (byte)((i * 151) ^ 0x5A))]);

    public static byte[] Bmp()
    {
        var bmp = new byte[58];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }

    public static byte[] Gif() =>
        [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B];

    public static byte[] Tiff() => [.. "II*\0"u8, 8, 0, 0, 0, 0, 0, 0, 0];

    private static string WriteModels()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"orleansstyle-gateway-models-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var generator = new Generator(7);
        var architecture = new TransformerArchitecture(Width: 8, ResidualBlocks: 2);
        var network = new TransformerNet(architecture, styles: 2);
        network.Initialize(generator);
        using (var multi = new TransformerStyleModel(network, new StyleModelInfo(StyleModelKind.Multi, architecture.Name, ["style0", "style1"])))
        {
            multi.Save(Path.Combine(directory, Multi + ".safetensors"));
        }

        return directory;
    }
}
