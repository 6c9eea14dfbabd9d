using System.CommandLine;
using System.Globalization;
using OrleansStyle.Cli.Gateway;
using OrleansStyle.Gateway.V1;
using Spectre.Console;

namespace OrleansStyle.Cli.Commands;

/// <summary><c>clips list</c>: the gateway's clip library, which <c>video --gateway</c> can name instead of uploading.</summary>
internal static class ClipsCommand
{
    public static Command Create() => new("clips", """
        The video clips a gateway keeps in its clip library (OrleansStyle:Gateway:ClipDirectory). Example:
          orleans-style clips list --gateway http://localhost:5080
        """)
    {
        GatewayCommand.Create("list", "List the clips with their size, frame rate, length and sound.", async call =>
        {
            var response = await new OrleansStyle.Gateway.V1.Video.VideoClient(call.Channel)
                .ListClipsAsync(new ListClipsRequest(), call.Headers, cancellationToken: call.CancellationToken);
            var table = new Table().AddColumns("name", "size", "fps", "frames", "length", "codec", "audio", "bytes");
            foreach (var clip in response.Clips)
            {
                table.AddRow(
                    Markup.Escape(clip.Name), $"{clip.Width}×{clip.Height}", clip.FrameRate, clip.Frames.ToString(CultureInfo.InvariantCulture),
                    clip.Duration.ToTimeSpan().ToString(@"hh\:mm\:ss\.ff", CultureInfo.InvariantCulture), Markup.Escape(clip.Codec), clip.HasAudio ? "yes" : "no",
                    clip.FileBytes.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return 0;
        }),
    };
}
