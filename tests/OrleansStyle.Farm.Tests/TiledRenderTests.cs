using OrleansStyle.Farm.Jobs;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Farm.Tests;

public sealed class TiledRenderTests
{
    [Fact]
    public async Task A_tiled_multi_style_render_equals_the_whole_image_render()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("dune", 288, 216);
        var request = RenderHelpers.Request(
            RenderHelpers.NewId("multi"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0", 0.7f), StyleWeight.Trained("style1", 0.3f))
            with { Options = new RenderOptions { StrokeScale = 1 } }; // the network's own strokes, as the model paints them whole (StrokeScaleRenderTests: other scales)

        var (tiled, status) = await RenderHelpers.RenderAsync(farm.Grains, request);

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.TilesTotal >= 9, $"expected a real mosaic, got {status.TilesTotal} tiles");
        using var model = FarmFixtures.Load(FarmFixtures.Multi);
        var whole = RenderHelpers.Quantised(model.Stylise(Pixels.PixelBufferConversions.ToPlanar(photo), StyleChoice.Trained(0, 0.7f), StyleChoice.Trained(1, 0.3f)));
        var psnr = StylisationQuality.Psnr(tiled, whole);
        Assert.True(psnr >= 40, $"tiled vs whole PSNR {psnr:F1} dB");
        Assert.True(StylisationQuality.Psnr(tiled, Pixels.PixelBufferConversions.ToPlanar(photo)) < 30, "the render must differ from the photo");
    }

    [Fact]
    public async Task A_tiled_AdaIN_render_equals_the_whole_image_render()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("storm", 256, 192);
        var painting = FarmFixtures.Painting("starry_night", 128);
        var request = RenderHelpers.Request(RenderHelpers.NewId("adain"), photo, FarmFixtures.AdaIn, StyleWeight.FromImage("starry_night", painting))
            with { Options = new RenderOptions { StyleSize = 128, Alpha = 0.8f } };
        using var model = FarmFixtures.Load(FarmFixtures.AdaIn);
        var whole = FeedForwardRequest.Everywhere(Pixels.PixelBufferConversions.ToPlanar(photo), StyleChoice.FromImage(Pixels.PixelBufferConversions.ToPlanar(painting)))
            with { Alpha = 0.8f, StyleSize = 128 };

        // The decoder's own colours: seams and frozen statistics alone decide.
        var (raw, status) = await RenderHelpers.RenderAsync(farm.Grains, request with { JobId = RenderHelpers.NewId("adain"), Options = request.Options with { KeepDecoderColors = true } });
        Assert.Equal(JobState.Completed, status.State);
        var rawPsnr = StylisationQuality.Psnr(raw, RenderHelpers.Quantised(new FeedForwardStylizer(model).Stylise(whole with { MatchStyleColors = false })));
        Assert.True(rawPsnr >= 40, $"tiled vs whole PSNR {rawPsnr:F1} dB");

        // With the painting's colours, measured once on the thumbnail. An untrained decoder's output has almost no
        // colour variance, so the map amplifies tiny tile differences; a trained decoder's does not.
        var (colored, _) = await RenderHelpers.RenderAsync(farm.Grains, request);
        var colouredPsnr = StylisationQuality.Psnr(colored, RenderHelpers.Quantised(new FeedForwardStylizer(model).Stylise(whole)));
        Assert.True(colouredPsnr >= 25, $"tiled vs whole PSNR with style colours {colouredPsnr:F1} dB");
        var style = Pixels.PixelBufferConversions.ToPlanar(painting);
        Assert.True(StylisationQuality.Measure(colored, raw, style).Palette < 0.6, "style colours must move the palette towards the painting");
    }

    [Fact]
    public async Task A_tiled_render_with_the_bundled_AdaIN_decoder_and_style_colours_equals_the_whole_image_render()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("raindrops", 256, 256);
        var painting = FarmFixtures.Painting("woman-with-hat-matisse", 160);
        var request = RenderHelpers.Request(RenderHelpers.NewId("bundled"), photo, FarmFixtures.BundledAdaIn, StyleWeight.FromImage("woman-with-hat-matisse", painting))
            with { Options = new RenderOptions { StyleSize = 160 } };

        var (tiled, status) = await RenderHelpers.RenderAsync(farm.Grains, request);

        Assert.True(status.TilesTotal >= 9);
        using var model = FarmFixtures.Load(FarmFixtures.BundledAdaIn);
        var whole = RenderHelpers.Quantised(new FeedForwardStylizer(model).Stylise(
            FeedForwardRequest.Everywhere(Pixels.PixelBufferConversions.ToPlanar(photo), StyleChoice.FromImage(Pixels.PixelBufferConversions.ToPlanar(painting)))
            with { StyleSize = 160 }));
        var psnr = StylisationQuality.Psnr(tiled, whole);

        Assert.True(psnr >= 40, $"tiled vs whole PSNR {psnr:F1} dB");
    }

    [Fact]
    public async Task The_same_request_under_a_used_job_id_returns_the_same_job_another_is_refused_and_a_finished_job_can_be_reattached()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("raindrops", 160, 120);
        var request = RenderHelpers.Request(RenderHelpers.NewId("same"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1"));

        var (first, status) = await RenderHelpers.RenderAsync(farm.Grains, request);
        var again = await new Client.FarmRenderClient(farm.Grains).SubmitAsync(request, CancellationToken.None);
        Assert.Equal(JobState.Completed, again.State);
        Assert.Equal((160, 120, status.TilesTotal), (again.Width, again.Height, again.TilesTotal));

        // Another request under the used id is refused, not answered with the first request's result.
        await Assert.ThrowsAsync<JobIdInUseException>(() => farm.Grains.GetGrain<IRenderJobGrain>(request.JobId).Submit(
            new RenderJobSpec(FarmFixtures.Multi, 160, 120, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], photo)));

        using var output = new MemoryStream();
        await new Client.FarmRenderClient(farm.Grains).AttachAsync(request.JobId, output);
        var reattached = RenderHelpers.Decode(output.ToArray());
        Assert.Equal(first.Data, reattached.Data);
    }

    [Fact]
    public async Task Masks_route_each_region_its_own_style_per_tile()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        var photo = FarmFixtures.Photo("yellow_flower", 192, 144);

        // The left half styled with style0, the right with style1, the mask given at half resolution.
        var mask = new Pixels.PixelBuffer(96, 72, 1, [.. Enumerable.Range(0, 96 * 72).Select(i => (byte)(i % 96 < 48 ? 255 : 0))]);
        var inverse = mask with { Data = [.. mask.Data.Select(v => (byte)(255 - v))] };
        var request = new Client.FarmRenderRequest(RenderHelpers.NewId("masked"), photo, FarmFixtures.Multi,
            [new RegionSpec([StyleWeight.Trained("style0")], mask), new RegionSpec([StyleWeight.Trained("style1")], inverse)]);
        var (masked, _) = await RenderHelpers.RenderAsync(farm.Grains, request);
        var (left, _) = await RenderHelpers.RenderAsync(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("l"), photo, FarmFixtures.Multi, StyleWeight.Trained("style0")));
        var (right, _) = await RenderHelpers.RenderAsync(farm.Grains, RenderHelpers.Request(RenderHelpers.NewId("r"), photo, FarmFixtures.Multi, StyleWeight.Trained("style1")));

        var apart = StylisationQuality.Psnr(left, right);
        Assert.True(apart < 25, $"the two styles must differ for this test to mean anything (PSNR {apart:F1} dB)");

        // Each half is closer to the render with its own style than to the other one (instance norm couples the
        // halves, so neither equals its single-style render exactly)…
        var leftOwn = StylisationQuality.Psnr(masked.Crop(0, 0, 64, 144), left.Crop(0, 0, 64, 144));
        var leftOther = StylisationQuality.Psnr(masked.Crop(0, 0, 64, 144), right.Crop(0, 0, 64, 144));
        var rightOwn = StylisationQuality.Psnr(masked.Crop(128, 0, 64, 144), right.Crop(128, 0, 64, 144));
        var rightOther = StylisationQuality.Psnr(masked.Crop(128, 0, 64, 144), left.Crop(128, 0, 64, 144));
        Assert.True(leftOwn > leftOther + 2 && rightOwn > rightOther + 2, $"left {leftOwn:F1} dB (other {leftOther:F1}), right {rightOwn:F1} dB (other {rightOther:F1})");

        // …and the tiled masked render equals the whole-picture masked render.
        using var model = FarmFixtures.Load(FarmFixtures.Multi);
        var fullMask = Neural.Style.Optimization.StyleRequest.FitMask(Pixels.PixelBufferConversions.ToPlanar(mask), 192, 144, stretch: true);
        var fullInverse = Neural.Style.Optimization.StyleRequest.FitMask(Pixels.PixelBufferConversions.ToPlanar(inverse), 192, 144, stretch: true);
        var whole = RenderHelpers.Quantised(model.Stylise(
            Pixels.PixelBufferConversions.ToPlanar(photo),
            [new FeedForwardRegion(fullMask, [StyleChoice.Trained(0)]), new FeedForwardRegion(fullInverse, [StyleChoice.Trained(1)])]));
        var psnr = StylisationQuality.Psnr(masked, whole);
        Assert.True(psnr >= 40, $"tiled vs whole masked render PSNR {psnr:F1} dB");
    }
}
