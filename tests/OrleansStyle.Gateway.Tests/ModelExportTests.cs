using Grpc.Core;
using Microsoft.ML.OnnxRuntime;
using OrleansStyle.Cli;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Models.ExportModel and <c>orleans-style models export --onnx</c>, here and through the gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ModelExportTests(GatewayServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-export-").FullName;

    [Fact]
    public async Task The_api_streams_an_onnx_file_that_onnx_runtime_loads()
    {
        using var call = server.Models.ExportModel(new ExportModelRequest { Name = GatewayFixtures.Multi, Format = ExportFormat.Onnx }, GatewayServer.Key);
        var messages = await call.ResponseStream.ReadAllAsync().ToListAsync();

        var header = messages[0].Header;
        var file = messages.Skip(1).SelectMany(m => m.Chunk.ToByteArray()).ToArray();
        Assert.Equal((GatewayFixtures.Multi, ExportFormat.Onnx, (long)file.Length), (header.Name, header.Format, header.SizeBytes));
        using var session = new InferenceSession(file);
        Assert.Equal(["image", "styles"], session.InputMetadata.Keys.Order());
        Assert.Equal(2, session.InputMetadata["styles"].Dimensions[1]); // the test model's two styles
    }

    [Fact]
    public async Task Export_requests_without_a_format_or_for_an_unknown_model_are_refused()
    {
        var noFormat = await RenderCalls.ExpectFailure(
            () => ReadAllAsync(new ExportModelRequest { Name = GatewayFixtures.Multi }), StatusCode.InvalidArgument);
        Assert.Contains("format", noFormat.Status.Detail, StringComparison.Ordinal);
        await RenderCalls.ExpectFailure(() => ReadAllAsync(new ExportModelRequest { Name = "no-such-model", Format = ExportFormat.Onnx }), StatusCode.NotFound);
    }

    [Fact]
    public async Task The_cli_exports_the_same_file_here_and_through_the_gateway()
    {
        var local = Path.Combine(_folder, "local.onnx");
        var remote = Path.Combine(_folder, "remote.onnx");
        var model = Path.Combine(GatewayFixtures.ModelDirectory, GatewayFixtures.Multi + ".safetensors");

        var here = await CliApp.Build().Parse(["models", "export", model, "--onnx", "-o", local]).InvokeAsync();
        var viaGateway = await CliApp.Build().Parse(
            ["models", "export", GatewayFixtures.Multi, "--onnx", "-o", remote, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey]).InvokeAsync();

        Assert.Equal((0, 0), (here, viaGateway));
        Assert.Equal(await File.ReadAllBytesAsync(local), await File.ReadAllBytesAsync(remote));
    }

    [Fact]
    public async Task The_cli_refuses_a_missing_format_an_unknown_model_or_a_missing_folder_with_exit_code_2_and_writes_nothing()
    {
        var model = Path.Combine(GatewayFixtures.ModelDirectory, GatewayFixtures.Multi + ".safetensors");
        var output = Path.Combine(_folder, "out.onnx");

        var noFormat = await CliApp.Build().Parse(["models", "export", model, "-o", output]).InvokeAsync();
        var unknownHere = await CliApp.Build().Parse(["models", "export", Path.Combine(_folder, "none.safetensors"), "--onnx", "-o", output]).InvokeAsync();
        var unknownThere = await CliApp.Build().Parse(
            ["models", "export", "no-such-model", "--onnx", "-o", output, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey]).InvokeAsync();
        var noFolder = await CliApp.Build().Parse(["models", "export", model, "--onnx", "-o", Path.Combine(_folder, "missing", "out.onnx")]).InvokeAsync();

        Assert.Equal((2, 2, 2, 2), (noFormat, unknownHere, unknownThere, noFolder));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task ReadAllAsync(ExportModelRequest request)
    {
        using var call = server.Models.ExportModel(request, GatewayServer.Key);
        await call.ResponseStream.ReadAllAsync().ToListAsync();
    }
}
