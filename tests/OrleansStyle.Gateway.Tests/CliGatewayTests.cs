using OrleansStyle.Cli;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using ImagingFormat = OrleansStyle.Imaging.OutputFormat;

namespace OrleansStyle.Gateway.Tests;

/// <summary><c>orleans-style render --gateway URL</c> against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CliGatewayTests(GatewayServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-cli-gateway-").FullName;

    [Fact]
    public async Task Render_with_gateway_writes_the_bytes_of_an_in_process_farm_render()
    {
        var photoPath = Path.Combine(_folder, "photo.png");
        var upload = GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 640, 480));
        await File.WriteAllBytesAsync(photoPath, upload);
        var output = Path.Combine(_folder, "out.png");

        var exit = await CliApp.Build().Parse(
            ["render", photoPath, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey,
             "--model", GatewayFixtures.Multi + ".safetensors", "--style", "style0=0.6", "--style", "style1=0.4", "--size", "640", "-o", output]).InvokeAsync();

        Assert.Equal(0, exit);
        var request = new FarmRenderRequest($"cli-{Guid.NewGuid():N}", GatewayFixtures.Decode(upload), GatewayFixtures.Multi,
            [RegionSpec.Everywhere(StyleWeight.Trained("style0", 0.6f), StyleWeight.Trained("style1", 0.4f))]);
        using var inProcess = new MemoryStream();
        await new FarmRenderClient(server.Grains).RenderAsync(request, inProcess, ImagingFormat.Png);
        Assert.Equal(inProcess.ToArray(), await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task Render_in_process_by_default_writes_the_same_bytes_as_render_with_gateway()
    {
        var photoPath = Path.Combine(_folder, "small.png");
        await File.WriteAllBytesAsync(photoPath, GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 200, 150)));
        var model = Path.Combine(GatewayFixtures.ModelDirectory, GatewayFixtures.Multi + ".safetensors");
        string[] common = ["render", photoPath, "--model", model, "--style", "style1", "--size", "200"];

        var viaGateway = await CliApp.Build().Parse(
            [.. common, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey, "-o", Path.Combine(_folder, "gateway.png")]).InvokeAsync();
        var inProcess = await CliApp.Build().Parse([.. common, "-o", Path.Combine(_folder, "farm.png")]).InvokeAsync();

        Assert.Equal((0, 0), (viaGateway, inProcess));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_folder, "gateway.png")), await File.ReadAllBytesAsync(Path.Combine(_folder, "farm.png")));
    }

    [Fact]
    public async Task Render_with_gateway_reports_refusals_with_exit_code_2_and_leaves_no_file()
    {
        var photoPath = Path.Combine(_folder, "photo.png");
        await File.WriteAllBytesAsync(photoPath, GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 64, 48)));
        var output = Path.Combine(_folder, "refused.png");

        var noKey = await CliApp.Build().Parse(
            ["render", photoPath, "--gateway", server.Host.Address.ToString(), "--model", GatewayFixtures.Multi, "--style", "style0", "-o", output]).InvokeAsync();
        var unknownStyle = await CliApp.Build().Parse(
            ["render", photoPath, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey, "--model", GatewayFixtures.Multi, "--style", "nope", "-o", output]).InvokeAsync();

        Assert.Equal((2, 2), (noKey, unknownStyle));
        Assert.Empty(Directory.EnumerateFiles(_folder, "refused*"));
    }

    [Fact]
    public async Task Styles_and_train_over_the_gateway_upload_a_painting_and_train_a_model_from_it()
    {
        var painting = Path.Combine(_folder, $"painting-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(painting, GatewayFixtures.Encode(GatewayFixtures.Painting("the_scream", 80, 100)));
        var model = $"cli-trained-{Guid.NewGuid():N}";
        string[] gateway = ["--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey];

        var uploaded = await CliApp.Build().Parse(["styles", "upload", painting, .. gateway]).InvokeAsync();
        var trained = await CliApp.Build().Parse(
            ["train", .. gateway, "--kind", "single", "--style", Path.GetFileNameWithoutExtension(painting), "--steps", "3", "--size", "64", "--batch", "1", "--width", "8",
             "-o", model]).InvokeAsync();

        Assert.Equal((0, 0), (uploaded, trained));
        var info = await server.Models.DescribeModelAsync(new V1.DescribeModelRequest { Name = model }, GatewayServer.Key);
        Assert.Equal(["single", Path.GetFileNameWithoutExtension(painting)], [info.Kind, .. info.Styles]);
        await server.Models.DeleteModelAsync(new V1.DeleteModelRequest { Name = model }, GatewayServer.Key);
    }

    [Fact]
    public async Task In_process_only_options_are_refused_with_a_gateway()
    {
        var photoPath = Path.Combine(_folder, "photo.png");
        await File.WriteAllBytesAsync(photoPath, GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 64, 48)));

        var exit = await CliApp.Build().Parse(
            ["render", photoPath, "--gateway", server.Host.Address.ToString(), "--api-key", GatewayServer.ApiKey, "--style", photoPath, "--loss", "MmdGaussian",
             "-o", Path.Combine(_folder, "refused.png")]).InvokeAsync();

        Assert.Equal(2, exit);
        Assert.False(File.Exists(Path.Combine(_folder, "refused.png")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
