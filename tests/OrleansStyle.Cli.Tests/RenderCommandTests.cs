using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Tests.Shared;
using Spectre.Console;

namespace OrleansStyle.Cli.Tests;

/// <summary>Runs the real command line in-process and checks exit codes, messages and the written image.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class RenderCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Renders_a_stylised_image_of_the_requested_size()
    {
        var output = Path.Combine(_folder, "out.png");
        var (code, error) = await Run("render", SampleImages.Content("dune"), "--style", SampleImages.Style("starry_night"),
            "--size", "128", "-n", "20", "--pyramid-min", "0", "-o", output);

        Assert.True(code == 0, error);
        using var image = new SafeImageReader().ReadRgb(output);
        Assert.Equal((128, 80), (image.Width, image.Height));

        // Stylised: nearer the painting than the photo itself is, in colours and in strokes (docs/quality.md: 1 = the
        // photo's own distance), yet still the photo's scene.
        var reader = new SafeImageReader();
        using var photo = reader.ReadRgb(SampleImages.Content("dune"));
        using var painting = reader.ReadRgb(SampleImages.Style("starry_night"));
        var scores = StylisationQuality.Measure(image.ToPlanar(), photo.ToPlanar().FitWithin(128), painting.ToPlanar());
        Assert.True(scores.Palette < 0.6, $"palette {scores.Palette:F3}: the colours are still the photo's");
        Assert.True(scores.Texture < 0.85, $"texture {scores.Texture:F3}: the strokes are still the photo's");
        Assert.True(scores.Structure > 0.3, $"structure {scores.Structure:F3}: the photo's scene is gone");
    }

    [Fact]
    public async Task Missing_content_file_is_a_clear_error()
    {
        var (code, error) = await Run("render", Path.Combine(_folder, "missing.jpg"), "--style", SampleImages.Style("starry_night"), "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("No such file", error);
        Assert.Contains("missing.jpg", error);
    }

    [Fact]
    public async Task Unreadable_image_is_a_clear_error()
    {
        var notAnImage = Path.Combine(_folder, "notes.jpg");
        await File.WriteAllTextAsync(notAnImage, "these are not pixels");
        var (code, error) = await Run("render", SampleImages.Content("dune"), "--style", notAnImage, "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("notes.jpg", error);
        Assert.Contains("PNG, JPEG and WebP", error);
    }

    [Fact]
    public async Task Mask_with_another_aspect_ratio_is_a_clear_error()
    {
        // The flower's mask is 16:10; storm is 3:2.
        var mask = SampleImages.Mask("yellow_flower");
        var (code, error) = await Run("render", SampleImages.Content("storm"),
            "--region", $"{mask}:{SampleImages.Style("starry_night")}",
            "--region", $"!{mask}:{SampleImages.Style("the_scream")}", "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("aspect ratio", error);
    }

    [Fact]
    public async Task Missing_style_is_a_clear_error()
    {
        var (code, error) = await Run("render", SampleImages.Content("dune"), "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("Give a style", error);
    }

    [Fact]
    public async Task Bad_weight_syntax_is_a_clear_error()
    {
        var (code, error) = await Run("render", SampleImages.Content("dune"), "--style", SampleImages.Style("starry_night") + "=lots", "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("weight", error);
    }

    private static Task<(int Code, string Error)> Run(params string[] args) => Cli.Run(args);
}

/// <summary>Runs the command line in-process, capturing standard error.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Error)> Run(params string[] args)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            var code = await CliApp.Build().Parse(args).InvokeAsync();
            return (code, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    /// <summary>Also captures what the command prints, which goes through Spectre's console rather than Console.Out.</summary>
    public static async Task<(int Code, string Error, string Output)> RunCapturingOutput(params string[] args)
    {
        var output = new StringWriter();
        var original = AnsiConsole.Console;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 1000; // one message per line: no wrapping inside what the tests look for
        AnsiConsole.Console = console;
        try
        {
            var (code, error) = await Run(args);
            return (code, error, output.ToString());
        }
        finally
        {
            AnsiConsole.Console = original;
        }
    }
}

[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
