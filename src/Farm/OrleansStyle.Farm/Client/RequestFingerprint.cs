using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// The identity of a render request for idempotency (as payment APIs fingerprint a request under its key): XxHash128
/// over the picture's pixels, every style's name, weight, image and mask, and every option that changes the result.
/// Deadline and caller are left out: a retry may carry a new deadline and still be the same request.
/// </summary>
internal static class RequestFingerprint
{
    public static string Of(FarmRenderRequest request)
    {
        var hash = new XxHash128();
        Add(hash, request.Content);
        Add(hash, request.Model);
        Add(hash, request.Regions.Length);
        foreach (var region in request.Regions)
        {
            Add(hash, region.Styles.Length);
            foreach (var style in region.Styles)
            {
                Add(hash, style.Name);
                Add(hash, BitConverter.SingleToInt32Bits(style.Weight));
                Add(hash, style.Image);
            }

            Add(hash, region.Mask);
        }

        var options = request.Options;
        foreach (var value in new[]
        {
            BitConverter.SingleToInt32Bits(options.Alpha), (int)options.Color, options.TileSize, options.Overlap, options.StyleSize, (int)options.Method,
            options.CoarseIterations, options.RefineIterations, options.KeepDecoderColors ? 1 : 0, options.Seed, options.StatisticsSize,
            BitConverter.SingleToInt32Bits(options.StrokeScale),
        })
        {
            Add(hash, value);
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static void Add(XxHash128 hash, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.Append(bytes);
    }

    private static void Add(XxHash128 hash, string text)
    {
        Add(hash, text.Length);
        hash.Append(Encoding.UTF8.GetBytes(text));
    }

    private static void Add(XxHash128 hash, PixelBuffer? pixels)
    {
        if (pixels is null)
        {
            Add(hash, -1);
            return;
        }

        Add(hash, pixels.Width);
        Add(hash, pixels.Height);
        Add(hash, pixels.Channels);
        hash.Append(pixels.Data);
    }
}
