using Grpc.Core;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Gateway.Services;

/// <summary>orleansstyle.v1.Models: the trained models of the farm's model registry.</summary>
public sealed class ModelsService(ModelCatalog catalog) : V1.Models.ModelsBase
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

    private ModelInfo Describe(string name)
    {
        var (info, bytes) = catalog.Describe(name);
        return new ModelInfo
        {
            Name = name,
            Kind = StyleModelInfo.KindName(info.Kind),
            Architecture = info.Architecture,
            Styles = { info.Styles },
            FileBytes = bytes,
        };
    }
}
