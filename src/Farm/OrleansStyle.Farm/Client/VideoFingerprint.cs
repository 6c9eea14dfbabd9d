using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// The identity of a video request, under which its finished frames are kept for resuming: XxHash128 over the clip
/// file's bytes, the segment, the frame size and every style and option that changes a frame. Caller and output path
/// are left out: a resumed run may write elsewhere and still reuse the frames.
/// </summary>
internal static class VideoFingerprint
{
    public static async Task<string> OfAsync(FarmVideoRequest request, CancellationToken cancellationToken)
    {
        var hash = new XxHash128();
        await using (var clip = File.OpenRead(request.Clip))
        {
            await hash.AppendAsync(clip, cancellationToken);
        }

        Add(hash, $"{request.Segment.Start?.Ticks}|{request.Segment.Duration?.Ticks}|{request.Width}x{request.Height}|{request.Model}");
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

        foreach (var value in new[] { BitConverter.SingleToInt32Bits(request.Alpha), (int)request.Color, request.StyleSize, request.KeepDecoderColors ? 1 : 0, request.FreezeStatistics ? 1 : 0 })
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
