using System.CommandLine;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Imaging.Quality;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>Prints the stylisation figures of ../shared/quality.md for a result.</summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var result = new Argument<string>("result") { Description = "The stylised image." };
        var content = new Option<string>("--content", "-c") { Description = "The photo it was made from.", Required = true };
        var style = new Option<string>("--style", "-s") { Description = "The painting it imitates.", Required = true };
        var command = new Command("quality", """
            Measure palette, texture, structure and chroma of a result (no neural network involved). Example:
              orleans-style quality out.png --content photo.jpg --style starry_night.jpg
            """)
        {
            result, content, style,
        };
        command.SetAction((parse, _) => CliErrors.Guard(() =>
        {
            var output = ImageFiles.ReadRgb(parse.GetValue(result)!);
            var contentImage = ImageFiles.ReadRgb(parse.GetValue(content)!);
            var styleImage = ImageFiles.ReadRgb(parse.GetValue(style)!);
            Print(StylisationQuality.Measure(output, contentImage, styleImage), StylisationQuality.ChromaDistance(output, contentImage));
            return Task.FromResult(0);
        }));
        return command;
    }

    public static void Print(StylisationScores scores, double chroma)
    {
        var table = new Table().AddColumns("figure", "value", "reads as");
        table.AddRow("palette", $"{scores.Palette:F3}", "0 = the style's colours, 1 = the photo's");
        table.AddRow("texture", $"{scores.Texture:F3}", "0 = the style's strokes, 1 = the photo's");
        table.AddRow("structure", $"{scores.Structure:F3}", "1 = the photo's structure intact");
        table.AddRow("chroma", $"{chroma:F2}", "mean |Δab| from the photo; ≤ 2 looks identical");
        AnsiConsole.Write(table);
    }
}
