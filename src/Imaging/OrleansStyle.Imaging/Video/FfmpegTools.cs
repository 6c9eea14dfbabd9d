namespace OrleansStyle.Imaging.Video;

/// <summary>
/// Finds ffmpeg and ffprobe on PATH. Decoding and encoding run in those processes, not through a .NET wrapper:
/// the reader and writer pipe raw rgb24 frames through stdin/stdout one at a time (see <see cref="VideoFrameReader"/>),
/// which needs nothing more than <see cref="System.Diagnostics.Process"/>. FFMpegCore 6.0.0 was the alternative; its
/// pipes go through named pipes/sockets with a whole-stream sink for output, its argument builder hides the exact
/// command line we must control (-map 1:a?, codecs per extension, -ss/-t on both inputs), and it adds a dependency
/// for what is about 200 lines here.
/// </summary>
public static class FfmpegTools
{
    public static string Ffmpeg => Find("ffmpeg");

    public static string Ffprobe => Find("ffprobe");

    /// <summary>The full path of <paramref name="tool"/> on PATH, or <see cref="VideoToolMissingException"/>.</summary>
    public static string Find(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? tool + ".exe" : tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new VideoToolMissingException(
            $"{tool} was not found on PATH; video needs ffmpeg and ffprobe (Debian/Ubuntu: apt-get install ffmpeg).");
    }
}

/// <summary>ffmpeg or ffprobe is not installed: a problem of the machine, not of the user's clip.</summary>
public sealed class VideoToolMissingException(string message) : Exception(message);

/// <summary>A clip that cannot be stylised (not a video, no video track, over the limits); the message says why.</summary>
public sealed class VideoRejectedException(string message) : Exception(message);

/// <summary>ffmpeg failed while encoding (e.g. the disk filled up): a failure of the run, not of the user's clip.</summary>
public sealed class VideoEncodingException(string message, Exception? inner = null) : Exception(message, inner);
