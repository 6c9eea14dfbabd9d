using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>The style library: upload, list, describe, render by name, delete, and every refusal.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StyleLibraryTests(GatewayServer server)
{
    [Fact]
    public async Task A_library_style_renders_like_the_same_image_uploaded_with_the_render_and_can_be_deleted()
    {
        var name = $"starry-{Guid.NewGuid():N}";
        var painting = GatewayFixtures.Encode(StylePainting());

        var info = await UploadAsync(server.Styles, name, painting);

        Assert.Equal((96, 76, "image/png"), (info.Width, info.Height, info.MediaType));
        Assert.Contains((await server.Styles.ListStylesAsync(new ListStylesRequest(), GatewayServer.Key)).Styles, s => s.Name == name);
        Assert.Equal(painting.Length, (await server.Styles.DescribeStyleAsync(new DescribeStyleRequest { Name = name }, GatewayServer.Key)).FileBytes);

        var content = GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 64, 48));
        var byName = await RenderCalls.RenderAsync(server.Render, OptimizeHeader(name), RenderCalls.Chunks(content));
        var uploaded = await RenderCalls.RenderAsync(
            server.Render, OptimizeHeader(name), [.. RenderCalls.Chunks(content), .. RenderCalls.Chunks(painting, ImagePart.Style, name)]);
        Assert.Equal(V1.JobState.Completed, byName.Summary.Job.State);
        Assert.Equal(uploaded.Result, byName.Result);

        await server.Styles.DeleteStyleAsync(new DeleteStyleRequest { Name = name }, GatewayServer.Key);
        await RenderCalls.ExpectFailure(async () => await server.Styles.DescribeStyleAsync(new DescribeStyleRequest { Name = name }, GatewayServer.Key), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, OptimizeHeader(name), RenderCalls.Chunks(content)), StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task Bad_style_uploads_are_refused_and_leave_the_library_unchanged()
    {
        var name = $"kept-{Guid.NewGuid():N}";
        await UploadAsync(server.Styles, name, GatewayFixtures.Encode(StylePainting()));
        var before = Directory.GetFiles(server.StyleDirectory);

        await RenderCalls.ExpectFailure(() => UploadAsync(server.Styles, $"corrupt-{Guid.NewGuid():N}", GatewayFixtures.CorruptPng()), StatusCode.InvalidArgument);
        await RenderCalls.ExpectFailure(() => UploadAsync(server.Styles, $"bmp-{Guid.NewGuid():N}", GatewayFixtures.Bmp()), StatusCode.InvalidArgument);
        await RenderCalls.ExpectFailure(() => UploadAsync(server.Styles, $"bomb-{Guid.NewGuid():N}", GatewayFixtures.DecompressionBomb()), StatusCode.InvalidArgument);
        await RenderCalls.ExpectFailure(() => UploadAsync(server.Styles, "../escape", GatewayFixtures.Encode(StylePainting())), StatusCode.InvalidArgument);
        await RenderCalls.ExpectFailure(() => UploadAsync(server.Styles, name, GatewayFixtures.Encode(StylePainting())), StatusCode.AlreadyExists);

        Assert.Equal(before, Directory.GetFiles(server.StyleDirectory));
        await server.Styles.DeleteStyleAsync(new DeleteStyleRequest { Name = name }, GatewayServer.Key);
    }

    internal static Farm.Pixels.PixelBuffer StylePainting() => GatewayFixtures.Painting("starry_night", 96, 76);

    internal static async Task<StyleInfo> UploadAsync(Styles.StylesClient client, string name, byte[] image, bool overwrite = false)
    {
        using var call = client.UploadStyle(GatewayServer.Key);
        try
        {
            await call.RequestStream.WriteAsync(new UploadStyleRequest { Header = new UploadStyleHeader { Name = name, Overwrite = overwrite, SizeBytes = image.Length } });
            for (var offset = 0; offset < image.Length; offset += 256 << 10)
            {
                await call.RequestStream.WriteAsync(new UploadStyleRequest { Chunk = ByteString.CopyFrom(image, offset, Math.Min(256 << 10, image.Length - offset)) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException)
        {
            // Refused part-way: the status comes with the response.
        }

        return await call;
    }

    private static RenderHeader OptimizeHeader(string style) => new()
    {
        Method = V1.RenderMethod.Optimize,
        CoarseIterations = 3,
        RefineIterations = 2,
        Regions = { new Region { Styles = { new StyleWeight { Name = style } } } },
    };
}
