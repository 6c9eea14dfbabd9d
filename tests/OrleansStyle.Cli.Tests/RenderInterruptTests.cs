using System.Text.RegularExpressions;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Cli.Tests;

/// <summary>
/// Ctrl+C during the default (in-process farm) render, sent to a real <c>orleans-style</c> process: the render stops,
/// the user is told, the exit code is 130 and no result file is left behind.
/// </summary>
public sealed partial class RenderInterruptTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("orleans-style-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Ctrl_C_cancels_the_in_process_render_says_so_and_writes_nothing()
    {
        var output = Path.Combine(_folder, "out.png");
        // Thousands of optimisation steps: the render is certainly still running when the signal arrives.
        await using var cli = ProgramProcess.Cli(_folder, [
            "render", SampleImages.Content("garden"), "--style", SampleImages.Style("starry_night"), "--size", "128", "-n", "10000", "-o", output]);
        await cli.WaitForLineAsync(Accepted(), Startup);

        await cli.SignalAsync("INT");

        Assert.Equal(130, await cli.WaitForExitAsync(StopLimit));
        Assert.Contains("Cancelled: the job was cancelled and nothing was written.", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", cli.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    /// <summary>The line the CLI prints once the farm has accepted the job.</summary>
    [GeneratedRegex(@"Job job-[0-9a-f]+: \d+ tiles")]
    private static partial Regex Accepted();
}
