using Grpc.Core;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// The images of one render as they arrive in chunks, held as encoded bytes (never decoded here). Every chunk is
/// counted against <see cref="GatewayOptions.MaxUploadBytes"/> as it arrives, because a streaming call has no
/// request body limit of its own.
/// </summary>
public sealed class UploadedImages
{
    private readonly Dictionary<(ImagePart Part, string Name), MemoryStream> _parts = [];

    public long TotalBytes { get; private set; }

    public static async Task<UploadedImages> ReadAsync(
        IAsyncStreamReader<RenderRequest> requests, RenderHeader header, GatewayOptions options, CancellationToken cancellationToken)
    {
        var styles = header.Regions.SelectMany(r => r.Styles).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var masks = header.Regions.Where(r => r.Mask.Length > 0).Select(r => r.Mask).ToHashSet(StringComparer.Ordinal);
        var upload = new UploadedImages();
        while (await requests.MoveNext(cancellationToken))
        {
            var message = requests.Current;
            if (message.PayloadCase != RenderRequest.PayloadOneofCase.Chunk)
            {
                throw GatewayErrors.InvalidArgument("header", "send the header once, as the first message; every later message is an image chunk.");
            }

            var chunk = message.Chunk;
            var part = chunk.Part == ImagePart.Unspecified ? ImagePart.Content : chunk.Part;
            var known = part switch
            {
                ImagePart.Content => chunk.Name.Length == 0,
                ImagePart.Style => styles.Contains(chunk.Name),
                ImagePart.Mask => masks.Contains(chunk.Name),
                _ => false,
            };
            if (!known)
            {
                throw GatewayErrors.InvalidArgument(
                    "chunk.name",
                    $"a {part} chunk named '{chunk.Name}' matches nothing in the header: the content has no name, style images are named as in regions.styles and masks as in regions.mask.");
            }

            if (chunk.Data.Length > GatewayOptions.MaxChunkBytes)
            {
                throw GatewayErrors.InvalidArgument("chunk.data", $"chunks carry at most {GatewayOptions.MaxChunkBytes} bytes; this one has {chunk.Data.Length}.");
            }

            upload.TotalBytes += chunk.Data.Length;
            if (upload.TotalBytes > options.MaxUploadBytes)
            {
                throw GatewayErrors.ResourceExhausted(
                    $"The upload passed {options.MaxUploadBytes} bytes, the gateway's limit for one render ({GatewayOptions.Section}:MaxUploadBytes): send smaller or more compressed images.",
                    "UPLOAD_TOO_LARGE");
            }

            var key = (part, chunk.Name);
            if (!upload._parts.TryGetValue(key, out var buffer))
            {
                upload._parts[key] = buffer = new MemoryStream();
            }

            buffer.Write(chunk.Data.Span);
        }

        return upload;
    }

    /// <summary>The part's bytes, or null when no chunk of it arrived.</summary>
    public ReadOnlyMemory<byte>? Get(ImagePart part, string name = "") =>
        // The cast matters: a bare null would become an empty ReadOnlyMemory through its implicit conversion from arrays.
        _parts.TryGetValue((part, name), out var buffer) ? new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length) : (ReadOnlyMemory<byte>?)null;

    public bool Has(ImagePart part, string name = "") => _parts.ContainsKey((part, name));
}
