using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>
/// orleans-style video with real ffmpeg: a 2-second 160×96 pan over a sample photo at 12 fps with a sine sound
/// track, stylised with the bundled multi-style model at the clip's size.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class VideoCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-video-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_clip_round_trips_with_its_frames_rate_duration_and_audio_and_is_stylised()
    {
        var clip = await GenerateClip(_folder);
        var output = Path.Combine(_folder, "painted.mp4");

        var (code, error) = await Cli.Run("video", clip, "-o", output, "--model", BundledModels.Multi4, "--style", "starry_night");

        Assert.True(code == 0, error);
        var source = await TestClips.ProbeAsync(clip);
        var result = await TestClips.ProbeAsync(output);
        Assert.Equal(24, result.Frames);
        Assert.Equal(source.Frames, result.Frames);
        Assert.Equal(source.Rate, result.Rate);
        Assert.Equal(source.Duration, result.Duration, 0.05);
        Assert.Equal((160, 96), (result.Width, result.Height));
        Assert.Equal("aac", result.AudioCodec);
        Assert.Equal(source.AudioDuration, result.AudioDuration, 0.05);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder, ".painted*")); // no temporary left next to it

        // Frame 12 of the result against frame 12 of the clip: clearly repainted, and in the painting's palette.
        var content = await Frame(clip, 12);
        var painted = await Frame(output, 12);
        var style = new SafeImageReader().ReadRgb(SampleImages.Style("starry_night")).ToPlanar();
        var difference = content.Data.Zip(painted.Data, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(difference > 0.15, $"mean |output − content| is {difference:F3}: the frame looks unstylised.");
        var palette = StylisationQuality.Palette(painted, content, style);
        Assert.True(palette < 0.7, $"palette ratio SWD(output, style)/SWD(content, style) is {palette:F3}: not in the painting's colours.");
    }

    /// <summary>Two renders of the clip (about 25 s on two shared cores), so on demand; bench/video/pumping.sh measures the same.</summary>
    [Fact]
    [Trait("Category", "OnDemand")]
    public async Task Frozen_clip_statistics_keep_a_still_region_steady_where_per_frame_statistics_pump()
    {
        // A black box slides across the top of a still photo; the bottom rows never change in the content, so a change
        // there between output frames is the normalisation reacting to the box (bench/video/pumping.sh, larger).
        var clip = Path.Combine(_folder, "box.mp4");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-i", SampleImages.Content("garden"), "-f", "lavfi", "-i", "color=black:s=56x36:r=8",
            "-filter_complex", "[0:v]scale=160:96,setsar=1[bg];[bg][1:v]overlay=x='-60+t*120':y=4:shortest=1[v]",
            "-map", "[v]", "-t", "1", "-r", "8", "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p", clip);
        var frozen = Path.Combine(_folder, "frozen");
        var own = Path.Combine(_folder, "own");

        var (code1, error1) = await Cli.Run("video", clip, "-o", frozen, "--model", BundledModels.Multi4, "--style", "starry_night");
        var (code2, error2) = await Cli.Run("video", clip, "-o", own, "--model", BundledModels.Multi4, "--style", "starry_night", "--statistics", "frame");

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        var steady = StillRegionChange(frozen);
        var pumping = StillRegionChange(own);
        Assert.True(steady < 0.5 * pumping, $"still-region change with frozen statistics {steady:F4} vs per-frame {pumping:F4}");
    }

    [Fact]
    public async Task A_text_file_is_refused_before_any_work_and_leaves_nothing()
    {
        var notes = Path.Combine(_folder, "notes.mp4");
        await File.WriteAllTextAsync(notes, "not a video, just some words\n");
        var output = Path.Combine(_folder, "out.mp4");

        var (code, error) = await Cli.Run("video", notes, "-o", output, "--model", BundledModels.Multi4, "--style", "starry_night");

        Assert.Equal(2, code);
        Assert.Contains("notes.mp4 is not a video", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal([notes], Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task A_still_image_is_refused_as_not_a_clip()
    {
        var (code, error) = await Cli.Run(
            "video", SampleImages.Content("garden"), "-o", Path.Combine(_folder, "out.mp4"), "--model", BundledModels.Multi4, "--style", "starry_night");

        Assert.Equal(2, code);
        Assert.Contains("still image", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public async Task Regions_paint_each_masked_part_of_every_frame_with_its_own_style()
    {
        // The left half in starry_night, the rest (the inverted mask) in the_scream; against the whole clip in
        // starry_night, the left half matches and the right half does not. Three frames, independent (no blend).
        var clip = await GenerateClip(_folder);
        var left = Path.Combine(_folder, "left.png");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=black:s=80x48",
            "-vf", "drawbox=x=0:y=0:w=40:h=48:color=white:t=fill", "-frames:v", "1", left); // half the clip's size, same aspect
        var regions = Path.Combine(_folder, "regions");
        var starry = Path.Combine(_folder, "starry");
        string[] common = ["--model", BundledModels.Multi4, "--duration", "0.25", "--temporal", "off"];

        var (code1, error1) = await Cli.Run(["video", clip, "-o", regions, "--region", $"{left}:starry_night", "--region", $"!{left}:the_scream", .. common]);
        var (code2, error2) = await Cli.Run(["video", clip, "-o", starry, "--style", "starry_night", .. common]);

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        var reader = new SafeImageReader();
        var masked = reader.ReadRgb(Path.Combine(regions, "frame_000002.png")).ToPlanar();
        File.Copy(Path.Combine(regions, "frame_000002.png"), Path.Combine(Path.GetTempPath(), "orleansstyle-video-regions-frame.png"), overwrite: true); // for a look
        var whole = reader.ReadRgb(Path.Combine(starry, "frame_000002.png")).ToPlanar();
        Assert.Equal(3, Directory.GetFiles(regions, "frame_*.png").Length);
        var leftDifference = MeanDifference(masked, whole, 0, 64); // 16 px from the mask's edge: the network sees across it
        var rightDifference = MeanDifference(masked, whole, 96, 160);
        // Not equal on the left: the frozen statistics come from keyframes painted with both regions' styles.
        Assert.True(rightDifference > 0.08, $"right half |regions − starry_night| = {rightDifference:F3}: the inverted mask's style is missing");
        Assert.True(leftDifference < 0.6 * rightDifference, $"left half |regions − starry_night| = {leftDifference:F3} vs right half {rightDifference:F3}: the left is not in its region's style");
    }

    [Fact]
    public async Task A_region_mask_without_the_clips_aspect_ratio_is_refused_before_any_work()
    {
        var clip = await GenerateClip(_folder);
        var square = Path.Combine(_folder, "square.png");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "color=white:s=64x64", "-frames:v", "1", square);
        var output = Path.Combine(_folder, "out.mp4");

        var (code, error) = await Cli.Run("video", clip, "-o", output, "--model", BundledModels.Multi4, "--region", $"{square}:starry_night");

        Assert.Equal(2, code);
        Assert.Contains("aspect ratio", error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    private static double MeanDifference(PlanarImage a, PlanarImage b, int fromX, int toX)
    {
        double sum = 0;
        var count = 0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < a.Height; y++)
            {
                var rowA = a.Row(c, y);
                var rowB = b.Row(c, y);
                for (var x = fromX; x < toX; x++)
                {
                    sum += Math.Abs(rowA[x] - rowB[x]);
                    count++;
                }
            }
        }

        return sum / count;
    }

    /// <summary>Mean |frame t − frame t−1| over rows 60–95 of a folder of PNG frames.</summary>
    private static double StillRegionChange(string folder)
    {
        var reader = new SafeImageReader();
        var frames = Directory.GetFiles(folder, "frame_*.png").Order(StringComparer.Ordinal).Select(f => reader.ReadRgb(f).ToPlanar()).ToList();
        Assert.Equal(8, frames.Count);
        var changes = new List<double>();
        for (var t = 1; t < frames.Count; t++)
        {
            double sum = 0;
            var count = 0;
            for (var c = 0; c < 3; c++)
            {
                for (var y = 60; y < 96; y++)
                {
                    var a = frames[t - 1].Row(c, y);
                    var b = frames[t].Row(c, y);
                    for (var x = 0; x < a.Length; x++)
                    {
                        sum += Math.Abs(a[x] - b[x]);
                        count++;
                    }
                }
            }

            changes.Add(sum / count);
        }

        return changes.Average();
    }

    /// <summary>A 2-second 160×96 pan over a sample photo at 12 fps (24 frames) with a sine sound track, as AAC in MP4.</summary>
    internal static Task<string> GenerateClip(string folder) => TestClips.PanAsync(folder, 160, 96);

    private async Task<PlanarImage> Frame(string clip, int index)
    {
        var png = Path.Combine(_folder, $"{Path.GetFileNameWithoutExtension(clip)}-{index}.png");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", clip, "-vf", $"select=eq(n\\,{index})", "-frames:v", "1", png);
        var image = new SafeImageReader().ReadRgb(png).ToPlanar();
        File.Delete(png);
        return image;
    }
}
