using Grpc.Core;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Services;

/// <summary>orleansstyle.v1.Styles: the style library that renders and training jobs name styles from.</summary>
public sealed class StylesService(StyleLibrary library) : V1.Styles.StylesBase
{
    private const int MinThumbnailSide = 16;
    private const int MaxThumbnailSide = 512;

    public override Task<ListStylesResponse> ListStyles(ListStylesRequest request, ServerCallContext context)
    {
        var response = new ListStylesResponse();
        foreach (var name in library.Names())
        {
            try
            {
                response.Styles.Add(library.Describe(name));
            }
            catch (Imaging.ImageRejectedException)
            {
                // A file an operator dropped in that is not a usable image is left out rather than failing the listing.
            }
        }

        return Task.FromResult(response);
    }

    public override Task<StyleInfo> DescribeStyle(DescribeStyleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(library.Describe(request.Name));
    }

    public override async Task<StyleInfo> UploadStyle(IAsyncStreamReader<UploadStyleRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.PayloadCase != UploadStyleRequest.PayloadOneofCase.Header)
        {
            throw GatewayErrors.InvalidArgument("header", "the first message of an upload must be its UploadStyleHeader.");
        }

        var header = requestStream.Current.Header;
        return await library.UploadAsync(header.Name, header.Overwrite, header.SizeBytes, requestStream, context.CancellationToken);
    }

    public override Task<StyleThumbnail> GetStyleThumbnail(GetStyleThumbnailRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Side != 0 && request.Side is < MinThumbnailSide or > MaxThumbnailSide)
        {
            throw GatewayErrors.InvalidArgument("side", $"use 0 (128) or {MinThumbnailSide}–{MaxThumbnailSide}.");
        }

        return library.ThumbnailAsync(request.Name, request.Side == 0 ? 128 : request.Side, context.CancellationToken);
    }

    public override Task<DeleteStyleResponse> DeleteStyle(DeleteStyleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        library.Delete(request.Name);
        return Task.FromResult(new DeleteStyleResponse());
    }
}
