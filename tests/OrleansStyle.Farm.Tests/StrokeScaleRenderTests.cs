using OrleansStyle.Farm.Jobs;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Farm.Tests;

public sealed class StrokeScaleRenderTests
{
    [Theory]
    [InlineData(2f)]
    [InlineData(1.5f)]
    public async Task A_tiled_render_at_a_stroke_scale_equals_the_whole_image_render_at_that_scale(float scale)
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("dune", 384, 240);
        var request = RenderHelpers.Request(RenderHelpers.NewId("stroke"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0", 0.7f), StyleWeight.Trained("style1", 0.3f))
            with { Options = new RenderOptions { StrokeScale = scale, TileSize = 128, Overlap = 32 } };

        var (tiled, status) = await RenderHelpers.RenderAsync(farm.Grains, request);

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.TilesTotal >= 6, $"expected a real mosaic, got {status.TilesTotal} tiles");
        using var model = FarmFixtures.Load(FarmFixtures.Multi);
        var whole = RenderHelpers.Quantised(new FeedForwardStylizer(model).Stylise(
            FeedForwardRequest.Everywhere(Pixels.PixelBufferConversions.ToPlanar(photo), StyleChoice.Trained(0, 0.7f), StyleChoice.Trained(1, 0.3f))
            with { StrokeScale = scale }));
        var psnr = StylisationQuality.Psnr(tiled, whole);
        Assert.True(psnr >= 40, $"tiled vs whole PSNR at stroke scale {scale}: {psnr:F1} dB");

        // And the scale did something: the render at scale 1 is another picture.
        var (native, _) = await RenderHelpers.RenderAsync(farm.Grains, request with { JobId = RenderHelpers.NewId("stroke"), Options = request.Options with { StrokeScale = 1 } });
        Assert.True(StylisationQuality.Psnr(tiled, native) < 30, "stroke scale must change the render");
    }

    [Fact]
    public async Task A_tiled_AdaIN_render_at_stroke_scale_2_equals_the_whole_image_render()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("raindrops", 320, 256);
        var painting = FarmFixtures.Painting("woman-with-hat-matisse", 128);
        var request = RenderHelpers.Request(RenderHelpers.NewId("adain-stroke"), photo, FarmFixtures.BundledAdaIn, StyleWeight.FromImage("woman-with-hat-matisse", painting))
            with { Options = new RenderOptions { StyleSize = 128, StrokeScale = 2, TileSize = 128, Overlap = 32, KeepDecoderColors = true } };

        var (tiled, status) = await RenderHelpers.RenderAsync(farm.Grains, request);

        Assert.True(status.TilesTotal >= 4);
        using var model = FarmFixtures.Load(FarmFixtures.BundledAdaIn);
        var whole = RenderHelpers.Quantised(new FeedForwardStylizer(model).Stylise(
            FeedForwardRequest.Everywhere(Pixels.PixelBufferConversions.ToPlanar(photo), StyleChoice.FromImage(Pixels.PixelBufferConversions.ToPlanar(painting)))
            with { StyleSize = 128, StrokeScale = 2, MatchStyleColors = false }));
        var psnr = StylisationQuality.Psnr(tiled, whole);
        Assert.True(psnr >= 40, $"tiled vs whole PSNR {psnr:F1} dB");
    }

    [Theory]
    [InlineData(0.5f, "1–16")]
    [InlineData(20f, "1–16")]
    [InlineData(16f, "short side below 16 pixels")]
    public async Task A_bad_stroke_scale_is_refused_before_any_tile_runs(float scale, string message)
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("dune", 96, 64);
        var request = RenderHelpers.Request(RenderHelpers.NewId("bad-stroke"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0", 1)) with { Options = new RenderOptions { StrokeScale = scale } };

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => RenderHelpers.RenderAsync(farm.Grains, request));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
