using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests.Studio;

/// <summary>The calls the studio needs beyond the streaming API: single-message renders and uploads, the caller's jobs, thumbnails, devices.</summary>
[Collection(GatewayCollection.Name)]
public sealed class StudioApiTests(GatewayServer server)
{
    private Browser.BrowserClient Browser => new(server.Channel);

    [Fact]
    public async Task A_single_message_render_of_a_picture_over_1_MiB_equals_the_streamed_render()
    {
        var photo = GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 1600, 1200));
        Assert.True(photo.Length > RenderCalls.ChunkBytes, $"the photo ({photo.Length} bytes) should need more than one chunk");
        var header = RenderCalls.MultiHeader(("style0", 0.7f), ("style1", 0.3f));
        header.MaxSide = 128;

        var streamed = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(photo));
        using var call = Browser.Render(
            new BrowserRenderRequest { Header = header, Images = { new ImageChunk { Part = ImagePart.Content, Data = ByteString.CopyFrom(photo) } } },
            GatewayServer.Key);
        var single = await RenderCalls.ReadAsync(call.ResponseStream);

        Assert.Equal(streamed.Result, single.Result);
        Assert.Equal((128, 96), (single.Summary.Job.Width, single.Summary.Job.Height));
    }

    [Fact]
    public async Task A_single_message_render_is_checked_like_a_streamed_one()
    {
        using var call = Browser.Render(
            new BrowserRenderRequest { Header = RenderCalls.MultiHeader(), Images = { new ImageChunk { Part = ImagePart.Content, Data = ByteString.CopyFrom(GatewayFixtures.Gif()) } } },
            GatewayServer.Key);

        await RenderCalls.ExpectFailure(() => RenderCalls.ReadAsync(call.ResponseStream), StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task The_jobs_listing_holds_the_callers_jobs_only()
    {
        var header = RenderCalls.MultiHeader();
        header.MaxSide = 64;
        var job = (await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 96, 64))))).Accepted.JobId;

        var mine = await server.Jobs.ListJobsAsync(new ListJobsRequest(), GatewayServer.Key);
        var theirs = await server.Jobs.ListJobsAsync(new ListJobsRequest(), GatewayServer.OtherKey);

        Assert.Equal(job, mine.Jobs[0].JobId); // newest first
        Assert.Equal(JobState.Completed, mine.Jobs[0].State);
        Assert.DoesNotContain(theirs.Jobs, j => j.JobId == job);
    }

    [Fact]
    public async Task A_library_style_uploaded_in_one_message_has_a_thumbnail()
    {
        var name = $"thumb-{Guid.NewGuid():N}";
        var painting = GatewayFixtures.Encode(GatewayFixtures.Painting("the_scream", 300, 200), Imaging.OutputFormat.Jpeg);
        var info = await Browser.UploadStyleAsync(
            new BrowserUploadStyleRequest { Header = new UploadStyleHeader { Name = name }, Image = ByteString.CopyFrom(painting) }, GatewayServer.Key);
        try
        {
            Assert.Equal((300, 200), (info.Width, info.Height));
            var thumbnail = await server.Styles.GetStyleThumbnailAsync(new GetStyleThumbnailRequest { Name = name, Side = 60 }, GatewayServer.Key);

            var decoded = GatewayFixtures.Decode(thumbnail.Image.ToByteArray());
            Assert.Equal("image/jpeg", thumbnail.MediaType);
            Assert.Equal((60, 40), (decoded.Width, decoded.Height));
            Assert.Equal((60, 40), (thumbnail.Width, thumbnail.Height));
            await RenderCalls.ExpectFailure(
                () => server.Styles.GetStyleThumbnailAsync(new GetStyleThumbnailRequest { Name = name, Side = 4 }, GatewayServer.Key).ResponseAsync, StatusCode.InvalidArgument);
        }
        finally
        {
            await server.Styles.DeleteStyleAsync(new DeleteStyleRequest { Name = name }, GatewayServer.Key);
        }

        await RenderCalls.ExpectFailure(
            () => server.Styles.GetStyleThumbnailAsync(new GetStyleThumbnailRequest { Name = name }, GatewayServer.Key).ResponseAsync, StatusCode.NotFound);
    }

    [Fact]
    public async Task The_farm_lists_the_embedded_silos_device_and_its_queue()
    {
        var farm = await new V1.Farm.FarmClient(server.Channel).GetFarmAsync(new GetFarmRequest(), GatewayServer.Key);

        var device = Assert.Single(farm.Devices);
        Assert.Equal("cpu", device.Device);
        Assert.Equal($"{device.Silo}|cpu", device.Worker);
        Assert.True(device.Capacity > 0);
        Assert.InRange(device.Queued, 0, device.Capacity);
    }

    [Fact]
    public void The_studio_without_grpc_web_is_refused_with_what_to_set()
    {
        var result = new Options.GatewayOptionsValidator().Validate(null, new Options.GatewayOptions { EnableGrpcWeb = false, RequireApiKey = false });

        Assert.Contains("EnableGrpcWeb", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(new Options.GatewayOptionsValidator().Validate(null, new Options.GatewayOptions { EnableGrpcWeb = false, EnableStudio = false, RequireApiKey = false }).Succeeded);
    }
}
