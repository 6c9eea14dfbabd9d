using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// XxHash128 over a request's parts in one fixed binary layout (lengths before contents, so no two requests share a
/// byte stream): the render and video fingerprints hash pictures, styles and options alike.
/// </summary>
internal sealed class RequestHash
{
    private readonly XxHash128 _hash = new();

    public RequestHash Add(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _hash.Append(bytes);
        return this;
    }

    public RequestHash Add(string text)
    {
        Add(text.Length);
        _hash.Append(Encoding.UTF8.GetBytes(text));
        return this;
    }

    public RequestHash Add(PixelBuffer? pixels)
    {
        if (pixels is null)
        {
            return Add(-1);
        }

        Add(pixels.Width).Add(pixels.Height).Add(pixels.Channels);
        _hash.Append(pixels.Data);
        return this;
    }

    /// <summary>Every region's styles (name, weight, image) and mask.</summary>
    public RequestHash Add(ImmutableArray<RegionSpec> regions)
    {
        Add(regions.Length);
        foreach (var region in regions)
        {
            Add(region.Styles.Length);
            foreach (var style in region.Styles)
            {
                Add(style.Name).Add(BitConverter.SingleToInt32Bits(style.Weight)).Add(style.Image);
            }

            Add(region.Mask);
        }

        return this;
    }

    /// <summary>Every option that changes the result.</summary>
    public RequestHash Add(RenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var value in new[]
        {
            BitConverter.SingleToInt32Bits(options.Alpha), (int)options.Color, options.TileSize, options.Overlap, options.StyleSize, (int)options.Method,
            options.CoarseIterations, options.RefineIterations, options.KeepDecoderColors ? 1 : 0, options.Seed, options.StatisticsSize,
            BitConverter.SingleToInt32Bits(options.StrokeScale), (int)options.Temporal, BitConverter.SingleToInt32Bits(options.TemporalWeight),
        })
        {
            Add(value);
        }

        return this;
    }

    public async Task<RequestHash> AddAsync(Stream stream, CancellationToken cancellationToken)
    {
        await _hash.AppendAsync(stream, cancellationToken);
        return this;
    }

    public string ToHex() => Convert.ToHexStringLower(_hash.GetCurrentHash());
}
