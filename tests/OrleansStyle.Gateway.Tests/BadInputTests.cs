using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Every bad input gets its status and details, and the gateway goes on serving.</summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayServer server)
{
    [Theory]
    [InlineData("corrupt", "IMAGE_CORRUPT")]
    [InlineData("truncated", "IMAGE_TRUNCATED")]
    [InlineData("bomb", "IMAGE_TOO_MANY_PIXELS")]
    [InlineData("bmp", "IMAGE_UNSUPPORTED_FORMAT")]
    [InlineData("gif", "IMAGE_UNSUPPORTED_FORMAT")]
    [InlineData("tiff", "IMAGE_UNSUPPORTED_FORMAT")]
    [InlineData("empty", "IMAGE_EMPTY")]
    public async Task A_bad_content_image_is_invalid_argument_and_the_gateway_keeps_serving(string kind, string reason)
    {
        var bytes = kind switch
        {
            "corrupt" => GatewayFixtures.CorruptPng(),
            "truncated" => Truncated(),
            "bomb" => GatewayFixtures.DecompressionBomb(),
            "bmp" => GatewayFixtures.Bmp(),
            "gif" => GatewayFixtures.Gif(),
            "tiff" => GatewayFixtures.Tiff(),
            _ => [],
        };
        var chunks = bytes.Length > 0
            ? RenderCalls.Chunks(bytes)
            : [new RenderRequest { Chunk = new ImageChunk { Part = ImagePart.Content } }];

        var failure = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), chunks), StatusCode.InvalidArgument);

        var status = failure.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal("content", Assert.Single(status.GetDetail<BadRequest>().FieldViolations).Field);
        Assert.Equal(reason, status.GetDetail<ErrorInfo>().Reason);
        await AssertStillServing();
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-2f)]
    [InlineData(100f)]
    [InlineData(float.NaN)]
    public async Task A_stroke_scale_out_of_range_is_invalid_argument_on_its_field(float scale)
    {
        var header = RenderCalls.MultiHeader();
        header.StrokeScale = scale;
        var chunks = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 64, 48)));

        var failure = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, header, chunks), StatusCode.InvalidArgument);

        var violation = Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("stroke_scale", violation.Field);
        Assert.Contains("1–16", violation.Description, StringComparison.Ordinal);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_stroke_scale_of_2_renders_at_the_pictures_size()
    {
        var header = RenderCalls.MultiHeader();
        header.StrokeScale = 2;

        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 96, 64))));

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        var result = GatewayFixtures.Decode(outcome.Result);
        Assert.Equal((96, 64), (result.Width, result.Height));
    }

    [Fact]
    public async Task A_mask_whose_aspect_ratio_differs_from_the_picture_is_invalid_argument()
    {
        var header = RenderCalls.MultiHeader();
        header.Regions[0].Mask = "left";
        var chunks = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 128, 96)))
            .Concat(RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Mask(100, 100)), ImagePart.Mask, "left"));

        var failure = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, header, chunks), StatusCode.InvalidArgument);

        Assert.Equal("regions[0].mask", Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_mask_with_the_pictures_aspect_ratio_renders()
    {
        var header = RenderCalls.MultiHeader();
        header.Regions[0].Mask = "left";
        header.Regions.Add(new Region { Styles = { new V1.StyleWeight { Name = "style1" } }, Mask = "left", InvertMask = true });
        var chunks = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 128, 96)))
            .Concat(RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Mask(64, 48)), ImagePart.Mask, "left"));

        var outcome = await RenderCalls.RenderAsync(server.Render, header, chunks);

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
    }

    [Fact]
    public async Task An_unknown_model_is_not_found()
    {
        var header = RenderCalls.MultiHeader();
        header.Model = "no-such-model";

        await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48)))),
            StatusCode.NotFound);
        await AssertStillServing();
    }

    [Fact]
    public async Task Bad_header_fields_are_invalid_argument_with_every_field_named()
    {
        var header = RenderCalls.MultiHeader(("no-such-style", 1f));
        header.Alpha = 3;
        header.TileSize = 10;
        header.JobId = "not a job id!";

        var failure = await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48)))),
            StatusCode.InvalidArgument);

        var fields = failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "job_id", "alpha", "tile_size", "regions[0].styles[0].name" }, fields);
    }

    [Fact]
    public async Task An_upload_over_the_byte_limit_is_resource_exhausted_while_it_streams()
    {
        var chunk = new byte[RenderCalls.ChunkBytes];
        Random.Shared.NextBytes(chunk);
        var chunks = Enumerable.Range(0, (int)(GatewayServer.MaxUploadBytes / chunk.Length) + 2).SelectMany(_ => RenderCalls.Chunks(chunk));

        var failure = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), chunks), StatusCode.ResourceExhausted);

        Assert.Equal("UPLOAD_TOO_LARGE", failure.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        await AssertStillServing();
    }

    [Fact]
    public async Task An_announced_upload_over_the_byte_limit_is_refused_before_it_starts()
    {
        var header = RenderCalls.MultiHeader();
        header.UploadBytes = GatewayServer.MaxUploadBytes + 1;

        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, header, []), StatusCode.ResourceExhausted);
    }

    [Fact]
    public async Task A_missing_or_wrong_api_key_is_unauthenticated_and_health_needs_none()
    {
        var upload = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48)));
        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), upload, headers: []), StatusCode.Unauthenticated);
        await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), upload, headers: new Metadata { { "x-api-key", "wrong-key-0123456789abcdef" } }),
            StatusCode.Unauthenticated);
        await RenderCalls.ExpectFailure(async () => await server.Models.ListModelsAsync(new ListModelsRequest()), StatusCode.Unauthenticated);

        var health = await new Grpc.Health.V1.Health.HealthClient(server.Channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_chunk_for_an_image_the_header_does_not_name_is_invalid_argument()
    {
        var chunks = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48)), ImagePart.Style, "stray");

        var failure = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), chunks), StatusCode.InvalidArgument);

        Assert.Equal("chunk.name", Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Field);
    }

    private static byte[] Truncated()
    {
        var png = GatewayFixtures.Encode(GatewayFixtures.Photo("dune", 160, 120));
        return png[..(png.Length * 6 / 10)];
    }

    private Task AssertStillServing() => RenderCalls.AssertServingAsync(server.Render);
}
