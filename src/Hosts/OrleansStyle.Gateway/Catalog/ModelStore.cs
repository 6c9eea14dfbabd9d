using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Gateway.Catalog;

/// <summary>
/// Writes and deletes model files in the registry's folder. An upload lands in a hidden temporary file, is checked to
/// be a model, and only then replaces the name atomically, so renders never see half a file.
/// </summary>
public sealed class ModelStore(IOptions<ModelRegistryOptions> registry, IOptions<GatewayOptions> options, ModelCatalog catalog)
{
    public const string Extension = ".safetensors";

    private readonly string _directory = Path.GetFullPath(registry.Value.Directory);
    private readonly GatewayOptions _options = options.Value;

    public async Task<(StyleModelInfo Info, long Bytes)> UploadAsync(
        string name, bool overwrite, long announcedBytes, IAsyncStreamReader<V1.UploadModelRequest> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        RequireChangesAllowed();
        RequireName(name);
        if (announcedBytes > _options.MaxModelBytes)
        {
            throw TooLarge();
        }

        var target = Path.Combine(_directory, name + Extension);
        if (!overwrite && File.Exists(target))
        {
            throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"There already is a model '{name}': set overwrite to replace it, or choose another name.", "MODEL_EXISTS");
        }

        Directory.CreateDirectory(_directory);
        var temporary = Path.Combine(_directory, $".{name}.{Guid.NewGuid():N}.uploading");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                while (await chunks.MoveNext(cancellationToken))
                {
                    if (chunks.Current.PayloadCase != V1.UploadModelRequest.PayloadOneofCase.Chunk)
                    {
                        throw GatewayErrors.InvalidArgument("header", "send the header once, as the first message; every later message is a chunk of the file.");
                    }

                    var chunk = chunks.Current.Chunk;
                    if (file.Length + chunk.Length > _options.MaxModelBytes)
                    {
                        throw TooLarge();
                    }

                    await file.WriteAsync(chunk.Memory, cancellationToken);
                }
            }

            StyleModelInfo info;
            try
            {
                info = StyleModelFile.Verify(temporary); // the whole file, not only what its metadata claims
            }
            catch (Exception exception) when (exception is InvalidDataException or ArgumentException or IOException or FormatException)
            {
                throw GatewayErrors.InvalidArgument("chunk", $"the file is not an OrleansStyle model: {exception.Message.Replace(temporary, "the upload", StringComparison.Ordinal)}", "NOT_A_MODEL");
            }

            var bytes = new FileInfo(temporary).Length;
            try
            {
                File.Move(temporary, target, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(target))
            {
                // Another upload of the name landed while this one streamed.
                throw GatewayErrors.Build(Google.Rpc.Code.AlreadyExists, $"There already is a model '{name}': set overwrite to replace it, or choose another name.", "MODEL_EXISTS");
            }

            return (info, bytes);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public void Delete(string name)
    {
        RequireChangesAllowed();
        var path = catalog.Resolve(name); // unknown names are NOT_FOUND
        File.Delete(path);
    }

    private void RequireChangesAllowed()
    {
        if (!_options.AllowModelChanges)
        {
            throw GatewayErrors.Build(
                Google.Rpc.Code.PermissionDenied,
                $"This gateway does not change its models ({GatewayOptions.Section}:AllowModelChanges is false): ask the operator to add the file to the model folder.",
                "MODEL_CHANGES_DISABLED");
        }
    }

    private static void RequireName(string name)
    {
        if (!ModelNames.IsValid(name))
        {
            throw GatewayErrors.InvalidArgument("header.name", $"'{name}' is not a model name: {ModelNames.Rule}.");
        }
    }

    private RpcException TooLarge() => GatewayErrors.ResourceExhausted(
        $"The model is larger than {_options.MaxModelBytes} bytes, the gateway's limit ({GatewayOptions.Section}:MaxModelBytes).", "MODEL_TOO_LARGE");
}
