using Grpc.Core;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using WireFormat = OrleansStyle.Gateway.V1.OutputFormat;

namespace OrleansStyle.Cli.Gateway;

/// <summary>Writes a render's result stream to a file: beside it until the summary arrives, then moved into place.</summary>
internal static class ResultFile
{
    /// <summary>The wire format the output path's extension asks for.</summary>
    public static WireFormat FormatFor(string path) => ImageWriter.FormatForPath(path) switch
    {
        Imaging.OutputFormat.Jpeg => WireFormat.Jpeg,
        Imaging.OutputFormat.WebpLossless => WireFormat.WebpLossless,
        Imaging.OutputFormat.WebpLossy => WireFormat.WebpLossy,
        _ => WireFormat.Png,
    };

    /// <summary>Reads every event (others go to <paramref name="onEvent"/>); never leaves half a picture behind.</summary>
    public static async Task<RenderSummary> WriteAsync(
        IAsyncStreamReader<RenderEvent> events, string path, Action<RenderEvent>? onEvent, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output folder {directory} does not exist.");
        }

        var partial = Path.GetFullPath(path) + ".partial";
        RenderSummary? summary = null;
        try
        {
            await using (var file = File.Create(partial))
            {
                await foreach (var item in events.ReadAllAsync(cancellationToken))
                {
                    switch (item.EventCase)
                    {
                        case RenderEvent.EventOneofCase.Result:
                            item.Result.Data.WriteTo(file);
                            break;
                        case RenderEvent.EventOneofCase.Summary:
                            summary = item.Summary;
                            break;
                        default:
                            onEvent?.Invoke(item);
                            break;
                    }
                }
            }

            if (summary is null)
            {
                throw new InvalidDataException("The gateway ended without a summary; the result is incomplete.");
            }

            File.Move(partial, path, overwrite: true);
            return summary;
        }
        finally
        {
            File.Delete(partial);
        }
    }
}
