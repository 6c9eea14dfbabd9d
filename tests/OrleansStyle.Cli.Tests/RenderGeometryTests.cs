using OrleansStyle.Imaging;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>--size: one meaning on the farm path and with --whole, checked before any work.</summary>
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
        // tubingen (1024×768) made a 96×72 photo, so a --size above it is one the cap must not act on.
        var photo = Path.Combine(_folder, "small.png");
        using (var small = new SafeImageReader().ReadRgb(SharedImages.Content("tubingen")).ToPlanar().FitWithin(96).ToRgb24())
        {
            ImageWriter.Write(small, photo);
        }

        string[] style = method == "model"
            ? ["--model", BundledModels.Multi4, "--style", "starry_night"]
            : ["--style", SharedImages.Style("starry_night"), "-n", "1"];
        foreach (var (size, expected) in new[] { (128, (96, 72)), (64, (64, 48)) })
        {
            Assert.Equal(expected, await RenderSize([photo, .. style, "--size", $"{size}", "--whole"]));
            if (throughTheFarm)
            {
                Assert.Equal(expected, await RenderSize([photo, .. style, "--size", $"{size}"]));
            }
        }
    }

    [Theory]
    [InlineData("--size=-1", "--size -1")]
    public async Task Bad_geometry_is_refused_before_any_file_is_read(string option, string message)
    {
        // The photo does not exist: the option's message, not the missing file's, shows the check came first.
        var (code, error) = await Cli.Run("render", Path.Combine(_folder, "missing.jpg"), "--style", "x.jpg", option, "-o", Path.Combine(_folder, "o.png"));

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("missing.jpg", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
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
