namespace OrleansStyle.Imaging.Video;

/// <summary>What the output path's extension asks for: H.264 in MP4, VP9 in WebM, or PNG frames in a folder.</summary>
public enum VideoOutputFormat
{
    Mp4,
    WebM,
    PngFrames,
}

public static class VideoOutputFormats
{
    public static VideoOutputFormat FromPath(string path)
    {
        if (Directory.Exists(path) || path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Path.GetExtension(path).Length == 0)
        {
            return VideoOutputFormat.PngFrames;
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" => VideoOutputFormat.Mp4,
            ".webm" => VideoOutputFormat.WebM,
            var other => throw new ArgumentException(
                $"Cannot write video as '{other}': use .mp4 (H.264), .webm (VP9) or a folder path (PNG frames)."),
        };
    }

    /// <summary>Encoded formats need even frame sides (4:2:0 chroma); PNG frames take any size.</summary>
    public static bool NeedsEvenSize(this VideoOutputFormat format) => format != VideoOutputFormat.PngFrames;
}
