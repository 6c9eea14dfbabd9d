using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>A job belongs to the caller that submitted it: others can neither see, attach to, cancel nor reuse it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class JobOwnershipTests(GatewayServer server)
{
    [Fact]
    public async Task Another_caller_cannot_see_attach_cancel_or_take_over_a_job()
    {
        var jobId = $"owned-{Guid.NewGuid():N}";
        var header = RenderCalls.MultiHeader();
        header.JobId = jobId;
        var content = GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 96, 64));
        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(content));
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);

        await RenderCalls.ExpectFailure(async () => await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId }, GatewayServer.OtherKey), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(async () => await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = jobId }, GatewayServer.OtherKey), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(
            () => RenderCalls.ReadAsync(server.Jobs.AttachJob(new AttachJobRequest { JobId = jobId }, GatewayServer.OtherKey).ResponseStream), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(content), GatewayServer.OtherKey), StatusCode.InvalidArgument);

        // The owner still sees its job, unchanged, and re-attaching returns the same result.
        Assert.Equal(V1.JobState.Completed, (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId }, GatewayServer.Key)).State);
        var again = await RenderCalls.ReadAsync(server.Jobs.AttachJob(new AttachJobRequest { JobId = jobId }, GatewayServer.Key).ResponseStream);
        Assert.Equal(outcome.Result, again.Result);
    }

    [Fact]
    public async Task A_mask_inline_in_the_header_renders_like_the_same_mask_uploaded_by_reference()
    {
        var content = GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 128, 96));
        var mask = GatewayFixtures.Encode(GatewayFixtures.Mask(64, 48));

        RenderHeader Header(bool inline)
        {
            var header = RenderCalls.MultiHeader();
            header.Regions[0].Styles[0].Name = "style0";
            var masked = new Region { Styles = { new StyleWeight { Name = "style1" } } };
            var rest = new Region { Styles = { new StyleWeight { Name = "style0" } }, InvertMask = true };
            if (inline)
            {
                masked.MaskImage = Google.Protobuf.ByteString.CopyFrom(mask);
                rest.MaskImage = Google.Protobuf.ByteString.CopyFrom(mask);
            }
            else
            {
                masked.Mask = rest.Mask = "half";
            }

            header.Regions.Clear();
            header.Regions.Add(masked);
            header.Regions.Add(rest);
            return header;
        }

        var byReference = await RenderCalls.RenderAsync(server.Render, Header(inline: false), [.. RenderCalls.Chunks(content), .. RenderCalls.Chunks(mask, ImagePart.Mask, "half")]);
        var inline = await RenderCalls.RenderAsync(server.Render, Header(inline: true), RenderCalls.Chunks(content));
        Assert.Equal(V1.JobState.Completed, inline.Summary.Job.State);
        Assert.Equal(byReference.Result, inline.Result);

        // The inline mask is read and checked like an uploaded one.
        var mismatched = Header(inline: true);
        mismatched.Regions[0].MaskImage = Google.Protobuf.ByteString.CopyFrom(GatewayFixtures.Encode(GatewayFixtures.Mask(64, 64)));
        var refusal = await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, mismatched, RenderCalls.Chunks(content)), StatusCode.InvalidArgument);
        Assert.Contains("regions[0].mask_image", refusal.Status.Detail, StringComparison.Ordinal);

        var both = Header(inline: true);
        both.Regions[0].Mask = "half";
        await RenderCalls.ExpectFailure(() => RenderCalls.RenderAsync(server.Render, both, [.. RenderCalls.Chunks(content), .. RenderCalls.Chunks(mask, ImagePart.Mask, "half")]), StatusCode.InvalidArgument);
    }
}
