using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Farm.Tests;

/// <summary>CPU devices render through ONNX Runtime by default; a tiled render must equal the Torch devices' one.</summary>
public sealed class OnnxRuntimeRenderTests
{
    [Fact]
    public async Task A_tiled_render_on_onnx_runtime_equals_the_torch_render()
    {
        var photo = FarmFixtures.Photo("dune", 224, 160);
        var painting = FarmFixtures.Painting("starry_night", 128);
        FarmRenderRequest[] requests =
        [
            RenderHelpers.Request(RenderHelpers.NewId("multi"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0", 0.6f), StyleWeight.Trained("style1", 0.4f)),
            RenderHelpers.Request(RenderHelpers.NewId("adain"), photo, FarmFixtures.BundledAdaIn, StyleWeight.FromImage("starry_night", painting))
                with { Options = new RenderOptions { StyleSize = 128, Alpha = 0.8f } },
        ];

        var onnx = await RenderAllAsync(CpuRuntime.Onnx, requests);
        var torch = await RenderAllAsync(CpuRuntime.Torch, requests);

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.True(StylisationQuality.Psnr(onnx[i], torch[i]) >= 50, $"{requests[i].Model}: ONNX Runtime vs Torch PSNR {StylisationQuality.Psnr(onnx[i], torch[i]):F1} dB");
            Assert.True(StylisationQuality.Psnr(onnx[i], Pixels.PixelBufferConversions.ToPlanar(photo)) < 30, "the render must differ from the photo");
        }
    }

    private static async Task<PlanarImage[]> RenderAllAsync(CpuRuntime runtime, FarmRenderRequest[] requests)
    {
        await using var farm = await FarmCluster.StartAsync([options =>
        {
            options.Devices = ["cpu"];
            options.CpuRuntime = runtime;
        }]);
        var images = new List<PlanarImage>();
        foreach (var request in requests)
        {
            var (image, status) = await RenderHelpers.RenderAsync(farm.Grains, request with { JobId = RenderHelpers.NewId(request.Model) });
            Assert.Equal(JobState.Completed, status.State);
            Assert.True(status.TilesTotal >= 4, $"expected a mosaic, got {status.TilesTotal} tiles");
            images.Add(image);
        }

        return [.. images];
    }
}
