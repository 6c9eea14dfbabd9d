using Grpc.Core;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Neural.FeedForward;

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
