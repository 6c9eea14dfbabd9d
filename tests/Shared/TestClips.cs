using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace OrleansStyle.Tests.Shared;

/// <summary>Short clips made with the real ffmpeg, and what ffprobe says of a result: for the CLI's and the gateway's video tests.</summary>
internal static class TestClips
{
    /// <summary>
    /// A 2-second <paramref name="width"/>×<paramref name="height"/> pan over a sample photo at 12 fps (24 frames) with
    /// a 440 Hz sound track, as H.264 and AAC in MP4.
    /// </summary>
    public static async Task<string> PanAsync(string folder, int width, int height)
    {
        var clip = Path.Combine(folder, "pan.mp4");
        await RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-i", SampleImages.Content("garden"),
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-filter_complex", string.Create(CultureInfo.InvariantCulture, $"[0:v]scale={width * 4}:-2,zoompan=z='1+0.004*on':x='iw/2-(iw/zoom/2)+on*2':y='ih/2-(ih/zoom/2)':d=1:s={width}x{height}:fps=12[v]"),
            "-map", "[v]", "-map", "1:a", "-t", "2", "-r", "12", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", clip);
        return clip;
    }

    public static async Task<Streams> ProbeAsync(string clip)
    {
        // One line per stream: codec_type,codec_name,width,height,r_frame_rate,nb_frames,duration (ffprobe's csv writer).
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

    /// <summary>The clip's first frame, decoded by ffmpeg to a PNG in <paramref name="folder"/>.</summary>
    public static async Task<OrleansStyle.Imaging.PlanarImage> FirstFrameAsync(string clip, string folder, string name)
    {
        var png = Path.Combine(folder, name + "-frame0.png");
        await RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", clip, "-frames:v", "1", png);
        using var image = new OrleansStyle.Imaging.SafeImageReader().ReadRgb(png);
        return OrleansStyle.Imaging.PlanarImageConversions.ToPlanar(image);
    }

    /// <summary>Runs a tool to its end and returns its output; a failure fails the test with its error text.</summary>
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
