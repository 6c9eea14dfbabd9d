using System.Buffers.Binary;
using System.Globalization;

namespace OrleansStyle.Imaging;

/// <summary>
/// Checks that an encoded file reaches its format's end marker. ImageSharp 2.1.13 decodes a JPEG cut short
/// without complaint (missing rows come out black), a PNG without IEND as if whole, and a lossy WebP cut in
/// half as a partly blank picture, so this has to be checked separately. Walking the container costs one
/// vectorised scan of the bytes and no allocation.
/// </summary>
internal static class ContainerIntegrity
{
    private const int PngSignatureLength = 8;

    /// <summary>Returns a description of where the data stops early, or null when the container is complete.</summary>
    public static string? FindTruncation(ImageFileFormat format, ReadOnlySpan<byte> data) => format switch
    {
        ImageFileFormat.Png => FindPngTruncation(data),
        ImageFileFormat.Jpeg => FindJpegTruncation(data),
        ImageFileFormat.Webp => FindWebpTruncation(data),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown image format."),
    };

    private static string? FindPngTruncation(ReadOnlySpan<byte> data)
    {
        if (data.Length < PngSignatureLength)
        {
            return Invariant($"PNG data ends after {data.Length} bytes, inside its signature");
        }

        long position = PngSignatureLength;
        while (true)
        {
            if (position + 8 > data.Length)
            {
                return Invariant($"PNG data ends after {data.Length} bytes, before its IEND chunk");
            }

            var chunk = data[(int)position..];
            long length = BinaryPrimitives.ReadUInt32BigEndian(chunk);
            var isEnd = chunk[4..8].SequenceEqual("IEND"u8);
            long next = position + 12 + length;
            if (next > data.Length)
            {
                var type = System.Text.Encoding.ASCII.GetString(chunk[4..8]);
                return Invariant(
                    $"PNG data ends after {data.Length} bytes, inside the {type} chunk at byte {position} that declares {length} bytes");
            }

            if (isEnd)
            {
                return null;
            }

            position = next;
        }
    }

    private static string? FindJpegTruncation(ReadOnlySpan<byte> data)
    {
        const byte MarkerPrefix = 0xFF;
        const byte EndOfImage = 0xD9;

        // Segments with a length field are skipped whole, so 0xFF bytes inside APPn payloads (an EXIF
        // thumbnail has its own EOI) are never mistaken for markers. Inside entropy-coded data a real
        // 0xFF is stuffed as FF 00 and restart markers carry no length, so those are stepped over.
        var position = 2;
        while (true)
        {
            var offset = data[position..].IndexOf(MarkerPrefix);
            if (offset < 0)
            {
                break;
            }

            position += offset;
            while (position < data.Length && data[position] == MarkerPrefix)
            {
                position++;
            }

            if (position >= data.Length)
            {
                break;
            }

            var marker = data[position++];
            if (marker == EndOfImage)
            {
                return null;
            }

            if (HasNoLength(marker))
            {
                continue;
            }

            if (position + 2 > data.Length)
            {
                break;
            }

            var segmentLength = Math.Max(2, (int)BinaryPrimitives.ReadUInt16BigEndian(data[position..]));
            if (position + segmentLength > data.Length)
            {
                return Invariant(
                    $"JPEG data ends after {data.Length} bytes, inside a segment (marker FF{marker:X2}) at byte {position - 2} that declares {segmentLength} bytes");
            }

            position += segmentLength;
        }

        return Invariant($"JPEG data ends after {data.Length} bytes without its end-of-image marker (FFD9)");
    }

    private static bool HasNoLength(byte marker) =>
        marker is 0x00 or 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7);

    private static string? FindWebpTruncation(ReadOnlySpan<byte> data)
    {
        const int RiffHeaderLength = 12;
        if (data.Length < RiffHeaderLength)
        {
            return Invariant($"WebP data ends after {data.Length} bytes, inside its RIFF header");
        }

        long riffEnd = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (riffEnd > data.Length)
        {
            return Invariant($"WebP data ends after {data.Length} bytes but its RIFF header declares {riffEnd}");
        }

        long position = RiffHeaderLength;
        while (position + 8 <= riffEnd)
        {
            var chunk = data[(int)position..];
            long payloadEnd = position + 8 + BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (payloadEnd > riffEnd)
            {
                var type = System.Text.Encoding.ASCII.GetString(chunk[..4]);
                return Invariant(
                    $"WebP {type} chunk at byte {position} runs to byte {payloadEnd}, past the {riffEnd} bytes its RIFF header declares");
            }

            // Chunks are padded to even length; a missing pad byte after the last chunk is harmless.
            position = payloadEnd + (payloadEnd & 1);
        }

        return null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
