using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Tiling;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>--size, --tile-size and --overlap: one meaning on the farm path and with --whole, checked before any work.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class RenderGeometryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-geometry-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("model", true)]
    [InlineData("optimize", false)] // the farm sizes the picture before choosing a method: the model case covers it
    public async Task Size_caps_the_long_side_alike_through_the_farm_and_whole(string method, bool throughTheFarm)
    {
        // garden (1024×640) made a 96×60 photo, so a --size above it is one the cap must not act on.
        var photo = Path.Combine(_folder, "small.png");
        using (var small = new SafeImageReader().ReadRgb(SampleImages.Content("garden")).ToPlanar().FitWithin(96).ToRgb24())
        {
            ImageWriter.Write(small, photo);
        }

        string[] style = method == "model"
            ? ["--model", BundledModels.Multi4, "--style", "starry_night"]
            : ["--style", SampleImages.Style("starry_night"), "-n", "1"];
        foreach (var (size, expected) in new[] { (128, (96, 60)), (64, (64, 40)) })
        {
            Assert.Equal(expected, await RenderSize([photo, .. style, "--size", $"{size}", "--whole"]));
            if (throughTheFarm)
            {
                Assert.Equal(expected, await RenderSize([photo, .. style, "--size", $"{size}"]));
            }
        }
    }

    [Fact]
    public async Task Farm_result_does_not_depend_on_the_tile_size()
    {
        // 800×500: 256-px tiles cut it into several, a 1024-px tile covers it whole; larger than the 512-px thumbnail
        // whose statistics every tile is normalised with.
        string[] render = [SampleImages.Content("garden"), "--model", BundledModels.Multi4, "--style", "starry_night", "--size", "800", "--overlap", "32"];
        var tiled = Path.Combine(_folder, "tiled.png");
        var single = Path.Combine(_folder, "single.png");
        var (code1, error1, output1) = await Cli.RunCapturingOutput(["render", .. render, "--tile-size", "256", "-o", tiled]);
        var (code2, error2, output2) = await Cli.RunCapturingOutput(["render", .. render, "--tile-size", "1024", "-o", single]);

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        var tiles = TileLayout.Plan(800, 500, 256, 32).Tiles.Count;
        Assert.True(tiles > 1);
        Assert.Contains($"800×500, {tiles} tiles", output1, StringComparison.Ordinal);
        Assert.Contains("800×500, 1 tiles", output2, StringComparison.Ordinal);

        var reader = new SafeImageReader();
        using var a = reader.ReadRgb(tiled);
        using var b = reader.ReadRgb(single);
        // Not bit-equal only where tiles are blended across their overlaps.
        var psnr = StylisationQuality.Psnr(a.ToPlanar(), b.ToPlanar());
        Assert.True(psnr >= 40, $"256-px tiles against one tile: {psnr:F2} dB, below the 40 dB of docs/quality.md");
    }

    [Theory]
    [InlineData("--size=-1", "--size -1")]
    [InlineData("--tile-size=32", "--tile-size 32: use 64–8192")]
    [InlineData("--tile-size=10000", "--tile-size 10000: use 64–8192")]
    [InlineData("--overlap=-4", "--overlap -4")]
    public async Task Bad_geometry_is_refused_before_any_file_is_read(string option, string message)
    {
        // The photo does not exist: the option's message, not the missing file's, shows the check came first.
        var (code, error) = await Cli.Run("render", Path.Combine(_folder, "missing.jpg"), "--style", "x.jpg", option, "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("missing.jpg", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--stroke-scale=0.5", "--stroke-scale: Stroke scale 0.5 is out of range: use 1–16")]
    [InlineData("--stroke-scale=17", "--stroke-scale: Stroke scale 17 is out of range: use 1–16")]
    [InlineData("--stroke-scale=NaN", "--stroke-scale: Stroke scale NaN is out of range")]
    public async Task A_bad_stroke_scale_is_refused_before_any_file_is_read(string option, string message)
    {
        var (code, error) = await Cli.Run(
            "render", Path.Combine(_folder, "missing.jpg"), "--model", "models/multi4.safetensors", "--style", "starry_night", option, "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("missing.jpg", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_stroke_scale_on_an_optimisation_render_is_refused()
    {
        var (code, error) = await Cli.Run(
            "render", Path.Combine(_folder, "missing.jpg"), "--style", "x.jpg", "--stroke-scale", "2", "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains("--stroke-scale applies to --model renders", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overlap_over_half_the_tile_is_refused_with_the_limit()
    {
        var (code, error) = await Cli.Run(
            "render", Path.Combine(_folder, "missing.jpg"), "--style", "x.jpg", "--tile-size", "256", "--overlap", "200", "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains("half the tile size, 128", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--whole")]
    [InlineData("--loss=MeanStd")]
    public async Task Tiling_a_whole_picture_render_is_refused(string wholeOption)
    {
        var (code, error) = await Cli.Run(
            "render", Path.Combine(_folder, "missing.jpg"), "--style", "x.jpg", "--tile-size", "256", wholeOption, "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains("--tile-size: only farm renders are tiled", error, StringComparison.Ordinal);
        Assert.Contains(wholeOption.Split('=')[0], error, StringComparison.Ordinal);
    }

    private async Task<(int Width, int Height)> RenderSize(string[] args)
    {
        var output = Path.Combine(_folder, $"out-{Guid.NewGuid():N}.png");
        var (code, error) = await Cli.Run(["render", .. args, "-o", output]);
        Assert.True(code == 0, error);
        using var image = new SafeImageReader().ReadRgb(output);
        return (image.Width, image.Height);
    }
}
