using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Services;

/// <summary>
/// orleansstyle.v1.Browser: the client-streaming calls as single messages, since gRPC-Web cannot stream a request
/// body. Each call is cut into the chunks the streaming call takes and handed to it, so checks, limits, errors and
/// answers are exactly those of Render.Render, Styles.UploadStyle and Models.UploadModel.
/// </summary>
public sealed class BrowserService(IServiceProvider services) : V1.Browser.BrowserBase
{
    /// <summary>The largest single message this service takes (its own gRPC receive limit).</summary>
    public const int MaxMessageBytes = 32 << 20;

    public override async Task Render(BrowserRenderRequest request, IServerStreamWriter<RenderEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = new[] { new RenderRequest { Header = request.Header } }.Concat(
            request.Images.SelectMany(image => Chunks(image.Data).Select(data => new RenderRequest
            {
                Chunk = new ImageChunk { Part = image.Part, Name = image.Name, Data = data },
            })));
        using var stream = new MessageSequence<RenderRequest>(messages);
        await ActivatorUtilities.CreateInstance<RenderService>(services).Render(stream, responseStream, context);
    }

    public override async Task<StyleInfo> UploadStyle(BrowserUploadStyleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = new[] { new UploadStyleRequest { Header = request.Header } }
            .Concat(Chunks(request.Image).Select(chunk => new UploadStyleRequest { Chunk = chunk }));
        using var stream = new MessageSequence<UploadStyleRequest>(messages);
        return await ActivatorUtilities.CreateInstance<StylesService>(services).UploadStyle(stream, context);
    }

    public override async Task<ModelInfo> UploadModel(BrowserUploadModelRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = new[] { new UploadModelRequest { Header = request.Header } }
            .Concat(Chunks(request.Model).Select(chunk => new UploadModelRequest { Chunk = chunk }));
        using var stream = new MessageSequence<UploadModelRequest>(messages);
        return await ActivatorUtilities.CreateInstance<ModelsService>(services).UploadModel(stream, context);
    }

    private static IEnumerable<ByteString> Chunks(ByteString data)
    {
        for (var offset = 0; offset < data.Length; offset += GatewayOptions.MaxChunkBytes)
        {
            yield return ByteString.CopyFrom(data.Span.Slice(offset, Math.Min(GatewayOptions.MaxChunkBytes, data.Length - offset)));
        }
    }
}
