using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Video;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>
/// A real <c>orleans-style video</c> process killed with SIGKILL part-way, then started again with the same job id:
/// the frames it finished are on disk and only the rest are rendered. The embedded farm runs on a simulated device
/// (OrleansStyle__Devices__* settings; a fixed time per frame, pixels unchanged) so the kill reliably lands mid-clip;
/// the resume logic is the same for every device.
/// </summary>
public sealed partial class VideoResumeTests : IDisposable
{
    private const string JobId = "resume-me";

    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-video-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_CLI_killed_mid_video_and_run_again_with_the_same_job_id_renders_only_the_missing_frames()
    {
        var clip = await VideoCommandTests.GenerateClip(_folder);
        var output = Path.Combine(_folder, "painted.mp4");
        var spool = Path.Combine(_folder, "spool");
        var environment = new Dictionary<string, string>
        {
            ["OrleansStyle__Spool__Path"] = spool,
            ["OrleansStyle__Devices__Devices__0"] = "sim:0",
            ["OrleansStyle__Devices__MaxBatch"] = "1",
            ["OrleansStyle__Devices__SimulatedLatency"] = "00:00:00.200",
        };
        string[] arguments = ["video", clip, "-o", output, "--model", BundledModels.Multi4, "--style", "starry_night", "--job-id", JobId];
        var frames = new JobSpool(Options.Create(new SpoolOptions { Path = spool }), TimeProvider.System);

        await using (var first = ProgramProcess.Cli(_folder, arguments, environment))
        {
            await Eventually.Until(() => FramesOnDisk(frames), n => n >= 3, "three frames on disk", TimeSpan.FromMinutes(2));
            await first.SignalAsync("KILL");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        var held = FramesOnDisk(frames);
        await using var second = ProgramProcess.Cli(_folder, arguments, environment);
        var code = await second.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code == 0, second.Output);
        Assert.InRange(held, 3, 23);
        var summary = Summary().Match(second.Output);
        Assert.True(summary.Success, second.Output);
        Assert.Equal((24 - held, held), (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value)));
        var result = await TestClips.ProbeAsync(output);
        Assert.Equal(24, result.Frames);
        Assert.Equal("aac", result.AudioCodec);
        Assert.True(FramesOnDisk(frames) == 0, "the frames stay on disk after the result was written");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder, ".painted*")); // the killed run's partial output is gone too
    }

    private static int FramesOnDisk(JobSpool spool) => spool.Keys(SpoolFrameStore.SpoolJobId(JobId)).Count(k => k.StartsWith("frame-", StringComparison.Ordinal));

    [GeneratedRegex(@"(\d+)\s+rendered,\s+(\d+)\s+resumed\s+from\s+job")]
    private static partial Regex Summary();
}
