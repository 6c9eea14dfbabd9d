using Grpc.Core;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using FarmStyleWeight = OrleansStyle.Farm.Jobs.StyleWeight;
using ImagingFormat = OrleansStyle.Imaging.OutputFormat;

namespace OrleansStyle.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RenderRoundTripTests(GatewayServer server)
{
    [Fact]
    public async Task A_render_streams_in_and_out_in_chunks_and_equals_the_in_process_render()
    {
        // 1280×800: dune's PNG at 1024×768 stays just under one chunk (tubingen's, the photo this was written for, did not).
        var photo = GatewayFixtures.Photo("dune", 1280, 800);
        var upload = GatewayFixtures.Encode(photo);
        Assert.True(upload.Length > RenderCalls.ChunkBytes, $"the upload ({upload.Length} bytes) must take several chunks");
        var header = RenderCalls.MultiHeader(("style0", 0.7f), ("style1", 0.3f));

        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(upload));

        Assert.Equal(RenderEvent.EventOneofCase.Accepted, outcome.Events[0].EventCase);
        Assert.Equal((1280, 800), (outcome.Accepted.Width, outcome.Accepted.Height));
        Assert.True(outcome.Accepted.TilesTotal > 1, "expected a tiled job");
        Assert.True(outcome.ProgressEvents > 0, "expected progress while tiles finish");
        Assert.True(outcome.ResultChunks > 1, $"expected the result in several chunks, got {outcome.ResultChunks}");
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        Assert.Equal("image/png", outcome.Summary.MediaType);
        Assert.Equal(outcome.Result.Length, outcome.Summary.ResultBytes);

        // The same job, assembled in process: the gateway adds nothing and loses nothing.
        using (var attached = new MemoryStream())
        {
            await new FarmRenderClient(server.Grains).AttachAsync(outcome.Accepted.JobId, attached);
            Assert.Equal(attached.ToArray(), outcome.Result);
        }

        // An in-process render of the same picture and styles gives the same bytes.
        var inProcess = await InProcessAsync(GatewayFixtures.Decode(upload), FarmStyleWeight.Trained("style0", 0.7f), FarmStyleWeight.Trained("style1", 0.3f));
        Assert.Equal(inProcess, outcome.Result);
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task A_4096_square_render_streams_in_and_out_in_chunks_and_equals_the_in_process_render()
    {
        var photo = GatewayFixtures.Photo("storm", 4096, 4096);
        var upload = GatewayFixtures.Encode(photo, ImagingFormat.Jpeg);
        var header = RenderCalls.MultiHeader(("style1", 1f));

        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(upload));

        Assert.Equal((4096, 4096), (outcome.Accepted.Width, outcome.Accepted.Height));
        Assert.True(outcome.ResultChunks > 8, $"expected a chunked result, got {outcome.ResultChunks} chunks");
        var inProcess = await InProcessAsync(GatewayFixtures.Decode(upload), FarmStyleWeight.Trained("style1"));
        Assert.Equal(inProcess, outcome.Result);
    }

    [Fact]
    public async Task Output_format_max_side_tiling_and_previews_are_honoured()
    {
        var upload = GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 320, 240));
        var header = RenderCalls.MultiHeader();
        header.MaxSide = 160;
        header.OutputFormat = V1.OutputFormat.WebpLossless;
        header.TileSize = 64;
        header.Overlap = 8;
        header.PreviewSide = 40;

        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(upload));

        Assert.Equal("image/webp", outcome.Summary.MediaType);
        var result = new SafeImageReader().Inspect(outcome.Result);
        Assert.Equal((ImageFileFormat.Webp, 160, 120), (result.Format, result.Width, result.Height));
        var previews = outcome.Events.Where(e => e.EventCase == RenderEvent.EventOneofCase.Preview).Select(e => e.Preview).ToList();
        Assert.NotEmpty(previews);
        Assert.True(previews.Count <= 11, $"{previews.Count} previews: at most one per tenth of the tiles");
        var preview = new SafeImageReader().Inspect(previews[^1].Png.Memory);
        Assert.Equal((ImageFileFormat.Png, 40, 30), (preview.Format, preview.Width, preview.Height));
    }

    [Fact]
    public async Task Models_are_listed_and_described()
    {
        var list = await server.Models.ListModelsAsync(new ListModelsRequest(), GatewayServer.Key);
        var model = Assert.Single(list.Models, m => m.Name == GatewayFixtures.Multi);
        Assert.Equal("multi", model.Kind);
        Assert.Equal(["style0", "style1"], model.Styles);

        var described = await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = GatewayFixtures.Multi }, GatewayServer.Key);
        Assert.Equal(model, described);

        await RenderCalls.ExpectFailure(
            async () => await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = "no-such-model" }, GatewayServer.Key), StatusCode.NotFound);
    }

    private async Task<byte[]> InProcessAsync(PixelBuffer picture, params FarmStyleWeight[] styles)
    {
        var request = new FarmRenderRequest($"inproc-{Guid.NewGuid():N}", picture, GatewayFixtures.Multi, [RegionSpec.Everywhere(styles)]);
        using var output = new MemoryStream();
        await new FarmRenderClient(server.Grains).RenderAsync(request, output, ImagingFormat.Png);
        return output.ToArray();
    }
}
