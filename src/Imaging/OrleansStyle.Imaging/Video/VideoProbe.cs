using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansStyle.Imaging.Video;

/// <summary>Reads a clip's streams with ffprobe's JSON output and refuses what cannot be stylised, before any work.</summary>
public static class VideoProbe
{
    public static async Task<VideoInfo> ProbeAsync(string path, VideoLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= VideoLimits.Default;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such clip: {path}", path);
        }

        // -count_packets demuxes (no decoding) to count frames where the container does not store nb_frames (WebM, MKV).
        var (code, output, error) = await FfmpegProcess.RunAsync(
            FfmpegTools.Ffprobe,
            ["-v", "error", "-count_packets", "-show_entries",
                "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets,duration:format=duration,format_name",
                "-of", "json", path],
            cancellationToken);
        var name = Path.GetFileName(path);
        if (code != 0)
        {
            throw new VideoRejectedException($"{name} is not a video ffmpeg can read: {FfmpegProcess.FirstLine(error)}");
        }

        using var json = JsonDocument.Parse(output);
        var streams = json.RootElement.TryGetProperty("streams", out var s) ? s.EnumerateArray().ToList() : [];
        var video = streams.FirstOrDefault(e => Text(e, "codec_type") == "video");
        if (video.ValueKind != JsonValueKind.Object)
        {
            throw new VideoRejectedException($"{name} has no video track.");
        }

        var codec = Text(video, "codec_name") ?? "unknown";
        var width = video.TryGetProperty("width", out var w) ? w.GetInt32() : 0;
        var height = video.TryGetProperty("height", out var h) ? h.GetInt32() : 0;
        if (width <= 0 || height <= 0)
        {
            throw new VideoRejectedException($"{name} has a video track without a frame size (codec {codec}).");
        }

        // A still image (e.g. a PNG) probes as a one-frame "video" in the image2 demuxer: not a clip.
        var format = json.RootElement.TryGetProperty("format", out var f) ? f : default;
        var formatName = format.ValueKind == JsonValueKind.Object ? Text(format, "format_name") ?? "" : "";
        if (formatName.Contains("image2", StringComparison.Ordinal) || formatName.EndsWith("_pipe", StringComparison.Ordinal))
        {
            throw new VideoRejectedException($"{name} is a still image, not a video; use `orleans-style render` for pictures.");
        }

        if (!FrameRate.TryParse(Text(video, "avg_frame_rate"), out var rate) && !FrameRate.TryParse(Text(video, "r_frame_rate"), out rate))
        {
            throw new VideoRejectedException($"{name} has no usable frame rate.");
        }

        var duration = Seconds(video, "duration") ?? (format.ValueKind == JsonValueKind.Object ? Seconds(format, "duration") : null) ?? 0;
        var frames = Long(video, "nb_frames") ?? Long(video, "nb_read_packets") ?? (long)Math.Round(duration * rate.PerSecond);
        if (duration <= 0)
        {
            duration = frames / rate.PerSecond;
        }

        if (frames <= 0)
        {
            throw new VideoRejectedException($"{name} has a video track with no frames.");
        }

        if (Math.Max(width, height) > limits.MaxDimension)
        {
            throw new VideoRejectedException(
                $"{name} is {width}×{height}; the limit is {limits.MaxDimension} pixels on the long side (scale it down with ffmpeg -vf scale=…).");
        }

        var length = TimeSpan.FromSeconds(duration);
        if (length > limits.MaxDuration)
        {
            throw new VideoRejectedException(
                $"{name} lasts {length:hh\\:mm\\:ss}; the limit is {limits.MaxDuration:hh\\:mm\\:ss}: take a part with --start and --duration.");
        }

        var audio = streams.FirstOrDefault(e => Text(e, "codec_type") == "audio");
        var hasAudio = audio.ValueKind == JsonValueKind.Object;
        return new VideoInfo(width, height, rate, frames, length, codec, hasAudio, hasAudio ? Text(audio, "codec_name") : null);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Seconds(JsonElement element, string property) =>
        double.TryParse(Text(element, property), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    private static long? Long(JsonElement element, string property) =>
        long.TryParse(Text(element, property), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}

/// <summary>Starting ffmpeg/ffprobe with an argument list (no shell quoting) and reading what they say.</summary>
internal static class FfmpegProcess
{
    public static ProcessStartInfo StartInfo(string tool, IEnumerable<string> arguments, bool redirectInput = false, bool redirectOutput = true)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    public static async Task<(int Code, string Output, string Error)> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(tool, arguments)) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }

    public static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "no details" : line;
    }
}
