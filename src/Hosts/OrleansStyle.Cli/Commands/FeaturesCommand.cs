using System.CommandLine;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Tensors;
using Spectre.Console;
using static TorchSharp.torch;

namespace OrleansStyle.Cli.Commands;

/// <summary>Shows what the bundled ResNet-18 sees: activation statistics of an image at every tap.</summary>
internal static class FeaturesCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image") { Description = "A PNG, JPEG or WebP image." };
        var size = new Option<int>("--size") { Description = "Resize so the long side is this many pixels.", DefaultValueFactory = _ => 256 };
        var command = new Command("features", """
            Print ResNet-18 activation statistics of an image at every tap. Example:
              orleans-style features photo.jpg --size 256
            """) { image, size };
        command.SetAction((parse, _) => CliErrors.Guard(() =>
        {
            var planar = ImageFiles.ReadRgb(parse.GetValue(image)!).FitWithin(parse.GetValue(size));
            using var network = ResNetOnnxImporter.LoadDefault();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var features = network.Extract(planar.ToTensor(), network.Taps);
            var table = new Table().AddColumns("tap", "shape", "mean", "std", "max", "zero %");
            foreach (var tap in network.Taps)
            {
                var activation = features[tap];
                table.AddRow(
                    tap,
                    string.Join('×', activation.shape.Skip(1)),
                    $"{activation.mean().item<float>():F3}",
                    $"{activation.std().item<float>():F3}",
                    $"{activation.max().item<float>():F2}",
                    $"{activation.EqualTo(0f).to(float32).mean().item<float>() * 100:F1}");
            }

            AnsiConsole.MarkupLine($"[bold]{planar.Width}×{planar.Height}[/] through ResNet-18 (ImageNet, CNTK export):");
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        }));
        return command;
    }
}
