using System.CommandLine;
using OrleansStyle.Cli.Rendering;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Video;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary>
/// Prints the stylisation figures of ../shared/quality.md for a result, or with <c>--video</c> a stylised clip's
/// temporal consistency (E_warp, Lai et al. 2018) against the clip it was made from.
/// </summary>
internal static class QualityCommand
{
    public static Command Create()
    {
        var result = new Argument<string>("result") { Description = "The stylised image (with --video: the stylised clip, or its folder of PNG frames)." };
        var content = new Option<string>("--content", "-c") { Description = "The photo it was made from (with --video: the clip).", Required = true };
        var style = new Option<string>("--style", "-s") { Description = "The painting it imitates (optional with --video: adds per-frame palette and texture)." };
        var video = new Option<bool>("--video") { Description = "RESULT and --content are clips: print the warping error E_warp (temporal consistency)." };
        var command = new Command("quality", """
            Measure palette, texture, structure and chroma of a result (no neural network involved), or with --video
            the temporal warping error of a stylised clip. Examples:
              orleans-style quality out.png --content photo.jpg --style starry_night.jpg
              orleans-style quality --video painted.mp4 --content clip.mp4 [--style starry_night.jpg]
            """)
        {
            result, content, style, video,
        };
        command.SetAction((parse, cancellationToken) => CliErrors.Guard(async () =>
        {
            if (parse.GetValue(video))
            {
                var painting = parse.GetValue(style) is { } stylePath ? ImageFiles.ReadRgb(stylePath) : null;
                PrintVideo(await ClipConsistency.MeasureAsync(parse.GetValue(result)!, parse.GetValue(content)!, painting, cancellationToken: cancellationToken));
                return 0;
            }

            if (parse.GetValue(style) is null)
            {
                throw new ArgumentException("--style is required for an image: give the painting the result imitates.");
            }

            var output = ImageFiles.ReadRgb(parse.GetValue(result)!);
            var contentImage = ImageFiles.ReadRgb(parse.GetValue(content)!);
            var styleImage = ImageFiles.ReadRgb(parse.GetValue(style)!);
            Print(StylisationQuality.Measure(output, contentImage, styleImage), StylisationQuality.ChromaDistance(output, contentImage));
            return 0;
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

    public static void PrintVideo(ClipConsistencyReport report)
    {
        var table = new Table().AddColumns("figure", "value", "reads as");
        table.AddRow("frames", $"{report.Frames} of {report.Width}×{report.Height}", "measured at the result's size");
        table.AddRow("E_warp", $"{report.WarpingError:F5}", "mean occlusion-masked squared RGB change along the content's flow (0–1 scale); 0 = no flicker");
        table.AddRow("E_warp worst pair", $"{report.WorstPairError:F5}", "the least consistent pair of consecutive frames");
        table.AddRow("trusted", $"{report.TrustedShare:P1}", "pixels the flow and occlusion mask trust, per pair");
        if (report.Palette is { } palette && report.Texture is { } texture)
        {
            table.AddRow("palette", $"{palette:F3}", $"mean of {report.StyleSamples} frames; 0 = the style's colours, 1 = the photo's");
            table.AddRow("texture", $"{texture:F3}", $"mean of {report.StyleSamples} frames; 0 = the style's strokes, 1 = the photo's");
        }

        AnsiConsole.Write(table);
    }
}
