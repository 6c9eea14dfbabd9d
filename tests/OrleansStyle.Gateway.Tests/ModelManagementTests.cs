using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ModelManagementTests(GatewayServer server)
{
    [Fact]
    public async Task An_uploaded_model_can_be_rendered_with_and_deleted()
    {
        var name = $"uploaded-{Guid.NewGuid():N}";
        var file = await File.ReadAllBytesAsync(Path.Combine(GatewayFixtures.ModelDirectory, GatewayFixtures.Multi + ".safetensors"));

        var info = await UploadAsync(name, file);

        Assert.Equal(("multi", file.Length), (info.Kind, info.FileBytes));
        Assert.Contains((await server.Models.ListModelsAsync(new ListModelsRequest(), GatewayServer.Key)).Models, m => m.Name == name);
        var header = RenderCalls.MultiHeader();
        header.Model = name;
        var outcome = await RenderCalls.RenderAsync(server.Render, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 96, 64))));
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);

        await RenderCalls.ExpectFailure(() => UploadAsync(name, file), StatusCode.AlreadyExists);
        Assert.Equal(file.Length, (await UploadAsync(name, file, overwrite: true)).FileBytes);

        await server.Models.DeleteModelAsync(new DeleteModelRequest { Name = name }, GatewayServer.Key);
        await RenderCalls.ExpectFailure(async () => await server.Models.DescribeModelAsync(new DescribeModelRequest { Name = name }, GatewayServer.Key), StatusCode.NotFound);
        await RenderCalls.ExpectFailure(async () => await server.Models.DeleteModelAsync(new DeleteModelRequest { Name = name }, GatewayServer.Key), StatusCode.NotFound);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_or_a_bad_name_is_invalid_argument_and_leaves_nothing_behind()
    {
        var before = Directory.GetFiles(GatewayFixtures.ModelDirectory);

        await RenderCalls.ExpectFailure(() => UploadAsync($"junk-{Guid.NewGuid():N}", [.. Enumerable.Range(0, 5000).Select(i => (byte)i)]), StatusCode.InvalidArgument);
        await RenderCalls.ExpectFailure(() => UploadAsync("../escape", [1, 2, 3]), StatusCode.InvalidArgument);

        Assert.Equal(before, Directory.GetFiles(GatewayFixtures.ModelDirectory));
    }

    [Fact]
    public async Task A_model_whose_metadata_does_not_match_its_tensors_is_refused_on_upload()
    {
        var before = Directory.GetFiles(GatewayFixtures.ModelDirectory);
        var real = Neural.Serialization.SafeTensors.Read(Path.Combine(GatewayFixtures.ModelDirectory, GatewayFixtures.Multi + ".safetensors"));
        byte[] Rewritten(Func<string, string, string> metadata)
        {
            using var stream = new MemoryStream();
            Neural.Serialization.SafeTensors.Write(stream, real.Tensors.Values, real.Metadata.ToDictionary(kv => kv.Key, kv => metadata(kv.Key, kv.Value)));
            return stream.ToArray();
        }

        // The test model is johnson-w8-r2 with two styles; each lie is caught before anything is stored.
        var wider = Rewritten((key, value) => value.Replace("johnson-w8-r2", "johnson-w1024-r2", StringComparison.Ordinal));
        var moreStyles = Rewritten((key, value) => value.Replace("\"style1\"", "\"style1\",\"style2\"", StringComparison.Ordinal));
        Assert.NotEqual(wider, moreStyles);
        foreach (var file in new[] { wider, moreStyles })
        {
            var failure = await RenderCalls.ExpectFailure(() => UploadAsync($"liar-{Guid.NewGuid():N}", file), StatusCode.InvalidArgument);
            Assert.Equal("NOT_A_MODEL", failure.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
        }

        Assert.Equal(before, Directory.GetFiles(GatewayFixtures.ModelDirectory));
    }

    private async Task<ModelInfo> UploadAsync(string name, byte[] file, bool overwrite = false)
    {
        using var call = server.Models.UploadModel(GatewayServer.Key);
        try
        {
            await call.RequestStream.WriteAsync(new UploadModelRequest { Header = new UploadModelHeader { Name = name, Overwrite = overwrite, SizeBytes = file.Length } });
            for (var offset = 0; offset < file.Length; offset += 256 << 10)
            {
                await call.RequestStream.WriteAsync(new UploadModelRequest { Chunk = ByteString.CopyFrom(file, offset, Math.Min(256 << 10, file.Length - offset)) });
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException)
        {
            // Refused part-way: the status comes with the response.
        }

        return await call;
    }
}
