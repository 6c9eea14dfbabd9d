using System.Diagnostics;
using System.Globalization;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Short clips made with the real ffmpeg, and what ffprobe says of a result.</summary>
internal static class TestClips
{
    /// <summary>A 2-second 96×64 pan over a sample photo at 12 fps (24 frames) with a 440 Hz AAC sound track.</summary>
    public static async Task<string> PanAsync(string folder)
    {
        var clip = Path.Combine(folder, "pan.mp4");
        await RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-i", SampleImages.Content("garden"),
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-filter_complex", "[0:v]scale=480:-2,zoompan=z='1+0.004*on':x='iw/2-(iw/zoom/2)+on*2':y='ih/2-(ih/zoom/2)':d=1:s=96x64:fps=12[v]",
            "-map", "[v]", "-map", "1:a", "-t", "2", "-r", "12", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", clip);
        return clip;
    }

    public static async Task<Streams> ProbeAsync(string clip)
    {
        var text = await RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate,nb_frames,duration", "-of", "csv=p=0:nk=0", clip);
        var streams = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""))
            .ToList();
        var video = streams.Single(s => s["codec_type"] == "video");
        var audio = streams.SingleOrDefault(s => s["codec_type"] == "audio");
        return new Streams(
            int.Parse(video["width"], CultureInfo.InvariantCulture), int.Parse(video["height"], CultureInfo.InvariantCulture), video["r_frame_rate"],
            long.Parse(video["nb_frames"], CultureInfo.InvariantCulture), double.Parse(video["duration"], CultureInfo.InvariantCulture),
            audio?["codec_name"], audio is null ? 0 : double.Parse(audio["duration"], CultureInfo.InvariantCulture));
    }

    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await error}");
        return await output;
    }

    internal sealed record Streams(int Width, int Height, string Rate, long Frames, double Duration, string? AudioCodec, double AudioDuration);
}
