using Grpc.Core;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Video;

/// <summary>
/// The uploads of one video render as they arrive in chunks: the clip straight to a file in the job's folder (clips
/// are large; never held in memory), style images and masks in memory. Every chunk counts against
/// <see cref="GatewayOptions.MaxUploadBytes"/> as it arrives, because a streaming call has no body limit of its own.
/// </summary>
public sealed class VideoUpload
{
    private readonly Dictionary<(VideoPart Part, string Name), MemoryStream> _images = [];

    public long TotalBytes { get; private set; }

    public bool HasClip { get; private set; }

    public static async Task<VideoUpload> ReadAsync(
        IAsyncStreamReader<VideoRequest> requests, VideoHeader header, string clipPath, GatewayOptions options, CancellationToken cancellationToken)
    {
        // A library clip is read where it is; the file then stays empty.
        var styleNames = header.Regions.SelectMany(r => r.Styles).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var maskNames = header.Regions.Select(r => r.Mask).Where(m => m.Length > 0).ToHashSet(StringComparer.Ordinal);
        var upload = new VideoUpload();
        await using var clip = new FileStream(clipPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        while (await requests.MoveNext(cancellationToken))
        {
            if (requests.Current.PayloadCase != VideoRequest.PayloadOneofCase.Chunk)
            {
                throw GatewayErrors.InvalidArgument("header", "send the header once, as the first message; every later message is a chunk.");
            }

            var chunk = requests.Current.Chunk;
            var part = chunk.Part == VideoPart.Unspecified ? VideoPart.Clip : chunk.Part;
            var known = part switch
            {
                VideoPart.Clip => chunk.Name.Length == 0 && header.LibraryClip.Length == 0,
                VideoPart.Style => styleNames.Contains(chunk.Name),
                VideoPart.Mask => maskNames.Contains(chunk.Name),
                _ => false,
            };
            if (!known)
            {
                throw GatewayErrors.InvalidArgument(
                    "chunk.name",
                    $"a {part} chunk named '{chunk.Name}' matches nothing in the header: the clip has no name (and is not sent when library_clip names one), style images as in regions.styles, masks as in regions.mask.");
            }

            if (chunk.Data.Length > GatewayOptions.MaxChunkBytes)
            {
                throw GatewayErrors.InvalidArgument("chunk.data", $"chunks carry at most {GatewayOptions.MaxChunkBytes} bytes; this one has {chunk.Data.Length}.");
            }

            upload.TotalBytes += chunk.Data.Length;
            if (upload.TotalBytes > options.MaxUploadBytes)
            {
                throw GatewayErrors.ResourceExhausted(
                    $"The upload passed {options.MaxUploadBytes} bytes, the gateway's limit for one call ({GatewayOptions.Section}:MaxUploadBytes): send a shorter or more compressed clip, or name one of the clip library.",
                    "UPLOAD_TOO_LARGE");
            }

            if (part == VideoPart.Clip)
            {
                await clip.WriteAsync(chunk.Data.Memory, cancellationToken);
                upload.HasClip = true;
            }
            else
            {
                if (!upload._images.TryGetValue((part, chunk.Name), out var buffer))
                {
                    upload._images[(part, chunk.Name)] = buffer = new MemoryStream();
                }

                buffer.Write(chunk.Data.Span);
            }
        }

        return upload;
    }

    /// <summary>The style image's bytes, or null when none was uploaded under that name.</summary>
    public ReadOnlyMemory<byte>? Style(string name) => Image(VideoPart.Style, name);

    /// <summary>The mask's bytes, or null when none was uploaded under that name.</summary>
    public ReadOnlyMemory<byte>? Mask(string name) => Image(VideoPart.Mask, name);

    private ReadOnlyMemory<byte>? Image(VideoPart part, string name) =>
        _images.TryGetValue((part, name), out var buffer) ? new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length) : (ReadOnlyMemory<byte>?)null; // a bare null would become an empty memory
}
