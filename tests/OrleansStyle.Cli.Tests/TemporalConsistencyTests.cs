using System.Globalization;
using System.Text.RegularExpressions;
using OrleansStyle.Imaging.Video;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>
/// Temporal consistency with real ffmpeg and the bundled model: a 1.5-second 160×96 pan over a textured sample
/// photo at 12 fps, stylised with and without temporal blending and measured with E_warp (Lai et al. 2018).
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class TemporalConsistencyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-temporal-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Blending_lowers_the_warping_error_of_a_generated_clip_against_per_frame_stylisation()
    {
        var clip = await GeneratePan();
        var plain = Path.Combine(_folder, "plain");
        var blended = Path.Combine(_folder, "blended");

        var (code1, error1) = await Cli.Run("video", clip, "-o", plain, "--model", BundledModels.Multi4, "--style", "starry_night", "--temporal", "off");
        var (code2, error2) = await Cli.Run("video", clip, "-o", blended, "--model", BundledModels.Multi4, "--style", "starry_night");

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        var perFrame = await ClipConsistency.MeasureAsync(plain, clip);
        var consistent = await ClipConsistency.MeasureAsync(blended, clip);
        Assert.Equal(18, consistent.Frames);
        Assert.True(consistent.WarpingError < 0.75 * perFrame.WarpingError,
            $"E_warp with blending {consistent.WarpingError:F5} vs per-frame {perFrame.WarpingError:F5}");
    }

    [Fact]
    public async Task Quality_video_prints_a_near_zero_warping_error_for_the_content_clip_itself()
    {
        var clip = await GeneratePan();

        var (code, error, output) = await Cli.RunCapturingOutput("quality", "--video", clip, "--content", clip);

        Assert.True(code == 0, error);
        var match = Regex.Match(output, @"E_warp\s*│\s*([0-9.]+)");
        Assert.True(match.Success, output);
        var warpingError = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(warpingError, 0, 0.001); // the floor: flow and interpolation error only
        Assert.Contains("18 of 160×96", output);
    }

    [Fact]
    public async Task Quality_video_refuses_a_still_image_as_the_result_with_one_line_and_exit_code_2()
    {
        var clip = await GeneratePan();

        var (code, error) = await Cli.Run("quality", "--video", SampleImages.Content("ladybird"), "--content", clip);

        Assert.Equal(2, code);
        Assert.Contains("still image", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    private async Task<string> GeneratePan()
    {
        var clip = Path.Combine(_folder, "pan.mp4");
        if (!File.Exists(clip))
        {
            await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-i", SampleImages.Content("ladybird"),
                "-vf", "scale=320:-2,crop=160:96:x='20+t*40':y='40+t*8',setsar=1",
                "-t", "1.5", "-r", "12", "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", clip);
        }

        return clip;
    }
}
