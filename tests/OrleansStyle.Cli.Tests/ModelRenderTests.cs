using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Cli.Tests;

/// <summary>render --model with a small, randomly initialised two-style network saved as a real model file.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ModelRenderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-model-").FullName;
    private readonly string _model;

    public ModelRenderTests()
    {
        var architecture = new TransformerArchitecture(Width: 8, ResidualBlocks: 1);
        var network = new TransformerNet(architecture, 2);
        var generator = new Generator(5);
        network.Initialize(generator);
        using (no_grad())
        {
            // Fresh networks start every style at γ = 1, β = 0; give the two styles different [S, C] rows.
            foreach (var (_, parameter) in network.named_parameters().Where(p => p.parameter.dim() == 2))
            {
                parameter.normal_(0.5, 0.3, generator);
            }
        }

        using var model = new TransformerStyleModel(network, new StyleModelInfo(StyleModelKind.Multi, architecture.Name, ["starry_night", "the_scream"]));
        _model = Path.Combine(_folder, "two-styles.safetensors");
        model.Save(_model);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Interpolated_styles_render_by_name_and_differ_from_a_single_style()
    {
        var blended = Path.Combine(_folder, "blend.png");
        var single = Path.Combine(_folder, "single.png");
        var (code1, error1) = await Cli.Run("render", SampleImages.Content("dune"), "--model", _model,
            "--style", "starry_night=0.5", "--style", "the_scream=0.5", "--size", "64", "-o", blended);
        var (code2, _) = await Cli.Run("render", SampleImages.Content("dune"), "--model", _model, "--style", "starry_night", "--size", "64", "-o", single);

        Assert.True(code1 == 0, error1);
        Assert.Equal(0, code2);
        var reader = new SafeImageReader();
        using var a = reader.ReadRgb(blended);
        using var b = reader.ReadRgb(single);
        Assert.Equal((64, 40), (a.Width, a.Height));
        Assert.True(StylisationDifference(a.ToPlanar(), b.ToPlanar()) > 1e-3);
    }

    [Fact]
    public async Task Unknown_style_name_lists_the_model_styles()
    {
        var (code, error) = await Cli.Run("render", SampleImages.Content("dune"), "--model", _model, "--style", "mona_lisa", "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("mona_lisa", error);
        Assert.Contains("starry_night, the_scream", error);
    }

    [Fact]
    public async Task Adain_method_with_a_transformer_model_is_refused()
    {
        var (code, error) = await Cli.Run("render", SampleImages.Content("dune"), "--model", _model, "--method", "adain", "--style", "starry_night", "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("--method model", error);
    }

    [Fact]
    public async Task Malformed_model_file_is_a_clear_error()
    {
        var broken = Path.Combine(_folder, "broken.safetensors");
        await File.WriteAllBytesAsync(broken, [1, 2, 3]);
        var (code, error) = await Cli.Run("render", SampleImages.Content("dune"), "--model", broken, "--style", "x", "-o", Path.Combine(_folder, "o.png"));
        Assert.NotEqual(0, code);
        Assert.Contains("broken.safetensors", error);
    }

    private static double StylisationDifference(PlanarImage a, PlanarImage b) =>
        a.Data.Zip(b.Data, (x, y) => Math.Abs(x - y)).Average();
}
