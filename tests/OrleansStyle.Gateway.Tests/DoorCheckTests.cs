using Google.Rpc;
using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// Inputs the farm cannot render are refused by the gateway before any work starts, with a message in the user's
/// terms; none of them reaches a worker, so the next good render on the same (only) device completes.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DoorCheckTests(GatewayServer server)
{
    [Fact]
    public async Task Alpha_on_a_model_other_than_adain_is_invalid_argument_before_any_tile()
    {
        var header = RenderCalls.MultiHeader();
        header.Alpha = 0.5f;

        var failure = await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48)))),
            StatusCode.InvalidArgument);

        var violation = Assert.Single(failure.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("alpha", violation.Field);
        Assert.Contains("AdaIN models only", violation.Description, StringComparison.Ordinal);
        await AssertStillServing();
    }

    [Theory]
    [InlineData(1, 1, "at least 16 pixels")]
    [InlineData(2, 2, "at least 16 pixels")]
    [InlineData(40, 15, "at least 16 pixels")]
    [InlineData(4096, 3, "at least 16 pixels")]
    [InlineData(1040, 16, "at most 32 times its short side")]
    public async Task A_picture_too_small_or_too_thin_is_invalid_argument_and_blocks_no_worker(int width, int height, string rule)
    {
        var failure = await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", width, height)))),
            StatusCode.InvalidArgument);

        var status = failure.GetRpcStatus()!;
        var violation = Assert.Single(status.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("content", violation.Field);
        Assert.Contains($"{width}×{height}", violation.Description, StringComparison.Ordinal);
        Assert.Contains(rule, violation.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("thumbnail", violation.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("PICTURE_SHAPE", status.GetDetail<ErrorInfo>().Reason);
        await AssertStillServing();
    }

    [Fact]
    public async Task Equal_weights_give_the_same_picture_at_any_scale()
    {
        var photo = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48))).ToList();

        var unit = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(("style0", 1f), ("style1", 1f)), photo);
        var huge = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(("style0", 3e38f), ("style1", 3e38f)), photo);
        var tiny = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(("style0", 1e-30f), ("style1", 1e-30f)), photo);

        // Weights that overflowed a float sum used to normalise to zero: no style at all, a broken picture.
        Assert.Equal(unit.Result, huge.Result);
        Assert.Equal(unit.Result, tiny.Result);
    }

    [Fact]
    public async Task An_unknown_model_names_no_server_path()
    {
        var failure = await RenderCalls.ExpectFailure(
            async () => await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = "nope" }, GatewayServer.Key), StatusCode.NotFound);

        Assert.Contains("nope", failure.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('/', failure.Status.Detail);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), failure.Status.Detail + failure.Trailers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_id_returns_its_result_for_the_same_request_and_refuses_another_request()
    {
        var id = $"reuse-{Guid.NewGuid():N}"[..24];
        var sailboat = RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 64, 48))).ToList();
        RenderHeader Header(float weight)
        {
            var header = RenderCalls.MultiHeader(("style0", weight));
            header.JobId = id;
            return header;
        }

        var first = await RenderCalls.RenderAsync(server.Render, Header(1f), sailboat);
        var again = await RenderCalls.RenderAsync(server.Render, Header(1f), sailboat);
        Assert.Equal(first.Result, again.Result);

        var otherPicture = await RenderCalls.ExpectFailure(
            () => RenderCalls.RenderAsync(server.Render, Header(1f), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 64, 48)))),
            StatusCode.AlreadyExists);
        Assert.Contains(id, otherPicture.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("JOB_ID_IN_USE", otherPicture.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, Header(0.5f), sailboat), StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task Too_many_regions_styles_or_repeated_styles_are_refused_before_any_image_is_read()
    {
        var regions = RenderCalls.MultiHeader();
        for (var r = 0; r < 16; r++)
        {
            regions.Regions.Add(regions.Regions[0].Clone());
        }

        var styles = RenderCalls.MultiHeader([.. Enumerable.Range(0, 17).Select(i => ($"s{i}", 1f))]);
        var repeated = RenderCalls.MultiHeader(("style0", 1f), ("style0", 2f));

        // No picture follows the header: the refusal cannot have come from decoding one.
        var tooManyRegions = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, regions, []), StatusCode.InvalidArgument);
        Assert.Equal("TOO_MANY_REGIONS", tooManyRegions.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        var tooManyStyles = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, styles, []), StatusCode.InvalidArgument);
        Assert.Equal("TOO_MANY_STYLES", tooManyStyles.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        var twice = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, repeated, []), StatusCode.InvalidArgument);
        Assert.Contains("once per region", Assert.Single(twice.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations).Description, StringComparison.Ordinal);

        var training = new StartTrainingRequest { ModelName = "too-many", Kind = TrainingKind.Multi, Steps = 10 };
        training.Styles.AddRange(Enumerable.Range(0, 33).Select(i => $"never-read-{i}"));
        var trainingFailure = await RenderCalls.ExpectFailure(async () => await server.Training.StartTrainingAsync(training, GatewayServer.Key), StatusCode.InvalidArgument);
        Assert.Contains("at most 32", trainingFailure.Status.Detail + trainingFailure.Trailers, StringComparison.Ordinal);
    }

    private async Task AssertStillServing()
    {
        await RenderCalls.AssertServingAsync(server.Render);
        Assert.All(await server.WorkerLoads(), load => Assert.Equal(0, load.Queued));
    }
}
