using OrleansStyle.Imaging.Video;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>
/// orleans-style video --method optimize (Gatys per frame, tied frame to frame as in Ruder et al. 2016) on the embedded
/// farm, with real ffmpeg and the bundled loss network.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class VideoOptimizeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-video-optimize-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Painting => SampleImages.Style("starry_night");

    [Fact]
    [Trait("Category", "OnDemand")] // two optimisation runs of four frames: minutes on a shared CPU
    public async Task The_warm_start_and_temporal_loss_keep_every_frame_and_lower_the_warping_error_of_independent_frames()
    {
        // A 0.5-s 96×64 pan over a photo at 8 fps: 4 frames.
        var clip = Path.Combine(_folder, "pan.mp4");
        await TestClips.RunAsync("ffmpeg", "-nostdin", "-v", "error", "-y", "-loop", "1", "-i", SampleImages.Content("garden"),
            "-vf", "scale=256:-2,crop=96:64:x='20+t*40':y=30,format=yuv420p", "-t", "0.5", "-r", "8", "-c:v", "libx264", "-crf", "12", clip);
        var independent = Path.Combine(_folder, "independent");
        var ruder = Path.Combine(_folder, "ruder");

        var (code1, error1) = await Cli.Run("video", clip, "-o", independent, "--method", "optimize", "--style", Painting, "--iterations", "8", "--temporal", "off");
        var (code2, error2) = await Cli.Run("video", clip, "-o", ruder, "--method", "optimize", "--style", Painting, "--iterations", "8");

        Assert.True(code1 == 0, error1);
        Assert.True(code2 == 0, error2);
        Assert.Equal(4, Directory.GetFiles(ruder, "frame_*.png").Length);
        var perFrame = await ClipConsistency.MeasureAsync(independent, clip);
        var tied = await ClipConsistency.MeasureAsync(ruder, clip);
        Assert.Equal(4, tied.Frames);
        Assert.True(tied.WarpingError < 0.75 * perFrame.WarpingError, $"E_warp tied {tied.WarpingError:F5} vs independent {perFrame.WarpingError:F5}");
    }

    [Theory]
    [InlineData("--method optimize --model models/multi4.safetensors", "--model does not apply to --method optimize")]
    [InlineData("--method optimize --alpha 0.5", "--alpha does not apply to --method optimize")]
    [InlineData("--method optimize --statistics frame", "--statistics does not apply to --method optimize")]
    [InlineData("--method optimize --temporal blend", "--temporal blend is for models")]
    [InlineData("--method optimize --temporal warm --temporal-weight 100", "--temporal-weight 100 needs --temporal ruder")]
    [InlineData("--method optimize --temporal-weight -1", "needs --temporal ruder and a positive number")]
    [InlineData("--method optimize --iterations 0", "--iterations 0 is out of range")]
    [InlineData("--model models/multi4.safetensors --temporal ruder", "--temporal ruder ties optimised frames together")]
    [InlineData("--model models/multi4.safetensors --iterations 50", "--iterations and --temporal-weight apply to --method optimize only")]
    public async Task Options_of_the_other_method_are_refused_with_one_line_and_exit_code_2(string options, string message)
    {
        var clip = Path.Combine(_folder, "never-read.mp4");

        var (code, error) = await Cli.Run(["video", clip, "-o", Path.Combine(_folder, "out.mp4"), "--style", Painting, .. options.Split(' ')]);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }
}
