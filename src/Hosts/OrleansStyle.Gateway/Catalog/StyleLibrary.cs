using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Imaging;
using SixLabors.ImageSharp.Processing;

namespace OrleansStyle.Gateway.Catalog;

/// <summary>
/// Style images kept in one folder, named by file name (<c>starry_night.jpg</c> is the style <c>starry_night</c>).
/// Uploads are checked by the safe reader before they replace anything, land under a hidden temporary name and are
/// moved into place, so a render never reads half an image.
/// </summary>
public sealed class StyleLibrary(IOptions<GatewayOptions> options)
{
    private static readonly (ImageFileFormat Format, string Extension, string MediaType)[] Formats =
    [
        (ImageFileFormat.Png, ".png", "image/png"),
        (ImageFileFormat.Jpeg, ".jpg", "image/jpeg"),
        (ImageFileFormat.Webp, ".webp", "image/webp"),
    ];

    private readonly GatewayOptions _options = options.Value;
    private readonly string _directory = Path.GetFullPath(options.Value.StyleDirectory);
    private readonly SafeImageReader _reader = new(new ImageLimits { MaxPixels = options.Value.MaxPixels, MaxBytes = options.Value.MaxStyleBytes });

    // Serialises the check-then-replace of uploads and deletes in this gateway.
    private readonly SemaphoreSlim _changes = new(1, 1);

    public IReadOnlyList<string> Names() => Directory.Exists(_directory)
        ? [.. Directory.EnumerateFiles(_directory)
            .Where(p => Formats.Any(f => p.EndsWith(f.Extension, StringComparison.Ordinal)) && !Path.GetFileName(p).StartsWith('.'))
            .Select(p => Path.GetFileNameWithoutExtension(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The stored file of a style, or null.</summary>
    public string? Find(string name) => ModelNames.IsValid(name)
        ? Formats.Select(f => Path.Combine(_directory, name + f.Extension)).FirstOrDefault(File.Exists)
        : null;

    /// <summary>The image's bytes; NOT_FOUND for an unknown name.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadAsync(string name, CancellationToken cancellationToken) =>
        await File.ReadAllBytesAsync(Find(name) ?? throw NotFound(name), cancellationToken);

    public V1.StyleInfo Describe(string name)
    {
        var path = Find(name) ?? throw NotFound(name);
        var header = _reader.Inspect(File.ReadAllBytes(path));
        return new V1.StyleInfo
        {
            Name = name,
            Width = header.Width,
            Height = header.Height,
            MediaType = Formats.First(f => f.Format == header.Format).MediaType,
            FileBytes = new FileInfo(path).Length,
        };
    }

    public async Task<V1.StyleInfo> UploadAsync(
        string name, bool overwrite, long announcedBytes, IAsyncStreamReader<V1.UploadStyleRequest> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        RequireChangesAllowed();
        if (!ModelNames.IsValid(name))
        {
            throw GatewayErrors.InvalidArgument("header.name", $"'{name}' is not a style name: {ModelNames.Rule}.");
        }

        if (announcedBytes > _options.MaxStyleBytes)
        {
            throw TooLarge();
        }

        var existing = Find(name);
        if (existing is not null && !overwrite)
        {
            throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"There already is a style '{name}': set overwrite to replace it, or choose another name.", "STYLE_EXISTS");
        }

        using var buffer = new MemoryStream();
        while (await chunks.MoveNext(cancellationToken))
        {
            if (chunks.Current.PayloadCase != V1.UploadStyleRequest.PayloadOneofCase.Chunk)
            {
                throw GatewayErrors.InvalidArgument("header", "send the header once, as the first message; every later message is a chunk of the image.");
            }

            if (buffer.Length + chunks.Current.Chunk.Length > _options.MaxStyleBytes)
            {
                throw TooLarge();
            }

            chunks.Current.Chunk.WriteTo(buffer);
        }

        var bytes = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        ImageHeader header;
        try
        {
            header = _reader.Inspect(bytes);
            using var decoded = _reader.ReadRgb(bytes); // the whole image must decode, not only its header
        }
        catch (ImageRejectedException rejected)
        {
            throw GatewayErrors.InvalidArgument("chunk", rejected.Message, Errors.ErrorMappingInterceptor.ReasonName(rejected.Reason));
        }

        var format = Formats.First(f => f.Format == header.Format);
        Directory.CreateDirectory(_directory);
        var target = Path.Combine(_directory, name + format.Extension);
        var temporary = Path.Combine(_directory, $".{name}.{Guid.NewGuid():N}.uploading");
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);

            // Checked again now that the upload is in: another upload of the name may have landed meanwhile.
            await _changes.WaitAsync(cancellationToken);
            try
            {
                existing = Find(name);
                if (existing is not null && !overwrite)
                {
                    throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"There already is a style '{name}': set overwrite to replace it, or choose another name.", "STYLE_EXISTS");
                }

                File.Move(temporary, target, overwrite: true);
                if (existing is not null && existing != target)
                {
                    File.Delete(existing); // replaced by a file of another format
                }
            }
            finally
            {
                _changes.Release();
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return new V1.StyleInfo { Name = name, Width = header.Width, Height = header.Height, MediaType = format.MediaType, FileBytes = bytes.Length };
    }

    /// <summary>The style image shrunk to <paramref name="side"/> on its long side (never enlarged), as JPEG.</summary>
    public async Task<V1.StyleThumbnail> ThumbnailAsync(string name, int side, CancellationToken cancellationToken)
    {
        using var image = _reader.ReadRgb(await ReadAsync(name, cancellationToken));
        var scale = Math.Min(1.0, side / (double)Math.Max(image.Width, image.Height));
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        image.Mutate(pipeline => pipeline.Resize(width, height));
        return new V1.StyleThumbnail
        {
            Width = width,
            Height = height,
            MediaType = ImageWriter.MediaType(OutputFormat.Jpeg),
            Image = Google.Protobuf.ByteString.CopyFrom(ImageWriter.Encode(image, OutputFormat.Jpeg, quality: 85)),
        };
    }

    public void Delete(string name)
    {
        RequireChangesAllowed();
        File.Delete(Find(name) ?? throw NotFound(name));
    }

    private void RequireChangesAllowed()
    {
        if (!_options.AllowModelChanges)
        {
            throw GatewayErrors.Build(
                Google.Rpc.Code.PermissionDenied,
                $"This gateway does not change its style library ({GatewayOptions.Section}:AllowModelChanges is false): ask the operator to add the image to the style folder.",
                "LIBRARY_CHANGES_DISABLED");
        }
    }

    private RpcException NotFound(string name) => GatewayErrors.NotFound(
        $"There is no style '{name}' in the library. Known styles: {(Names() is { Count: > 0 } names ? string.Join(", ", names) : "none")}.", "STYLE_NOT_FOUND");

    private RpcException TooLarge() => GatewayErrors.ResourceExhausted(
        $"The style image is larger than {_options.MaxStyleBytes} bytes, the gateway's limit ({GatewayOptions.Section}:MaxStyleBytes).", "STYLE_TOO_LARGE");
}
