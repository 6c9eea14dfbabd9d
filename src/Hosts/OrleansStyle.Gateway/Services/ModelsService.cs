using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.Onnx;

namespace OrleansStyle.Gateway.Services;

/// <summary>orleansstyle.v1.Models: the trained models of the farm's model registry.</summary>
public sealed class ModelsService(ModelCatalog catalog, ModelStore store) : V1.Models.ModelsBase
{
    public override Task<ListModelsResponse> ListModels(ListModelsRequest request, ServerCallContext context)
    {
        var response = new ListModelsResponse();
        foreach (var name in catalog.Names())
        {
            try
            {
                response.Models.Add(Describe(name));
            }
            catch (InvalidDataException)
            {
                // A file that is not a model (or is being written) is left out rather than failing the listing.
            }
        }

        return Task.FromResult(response);
    }

    public override Task<ModelInfo> DescribeModel(DescribeModelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(Describe(request.Name));
    }

    public override async Task<ModelInfo> UploadModel(IAsyncStreamReader<UploadModelRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.PayloadCase != UploadModelRequest.PayloadOneofCase.Header)
        {
            throw GatewayErrors.InvalidArgument("header", "the first message of an upload must be its UploadModelHeader.");
        }

        var header = requestStream.Current.Header;
        var (info, bytes) = await store.UploadAsync(header.Name, header.Overwrite, header.SizeBytes, requestStream, context.CancellationToken);
        return ToWire(header.Name, info, bytes);
    }

    public override Task<DeleteModelResponse> DeleteModel(DeleteModelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        store.Delete(request.Name);
        return Task.FromResult(new DeleteModelResponse());
    }

    /// <summary>Exports on a pool thread (it builds the network) and streams the file in 1 MiB chunks.</summary>
    public override async Task ExportModel(ExportModelRequest request, IServerStreamWriter<ExportModelResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Format != ExportFormat.Onnx)
        {
            throw GatewayErrors.InvalidArgument(
                "format", request.Format == ExportFormat.Unspecified ? "choose an export format: EXPORT_FORMAT_ONNX." : $"unknown export format {request.Format}: use EXPORT_FORMAT_ONNX.", "EXPORT_FORMAT");
        }

        var path = catalog.Resolve(request.Name); // ModelNotFoundException → NOT_FOUND
        var bytes = await Task.Run(() => OnnxExport.Export(path), context.CancellationToken);
        await responseStream.WriteAsync(
            new ExportModelResponse { Header = new ExportModelHeader { Name = request.Name, Format = request.Format, SizeBytes = bytes.Length } }, context.CancellationToken);
        for (var offset = 0; offset < bytes.Length; offset += GatewayOptions.MaxChunkBytes)
        {
            var chunk = ByteString.CopyFrom(bytes, offset, Math.Min(GatewayOptions.MaxChunkBytes, bytes.Length - offset));
            await responseStream.WriteAsync(new ExportModelResponse { Chunk = chunk }, context.CancellationToken);
        }
    }

    private ModelInfo Describe(string name)
    {
        var (info, bytes) = catalog.Describe(name);
        return ToWire(name, info, bytes);
    }

    private static ModelInfo ToWire(string name, StyleModelInfo info, long bytes) =>
        new()
        {
            Name = name,
            Kind = StyleModelInfo.KindName(info.Kind),
            Architecture = info.Architecture,
            Styles = { info.Styles },
            FileBytes = bytes,
        };
}
