using System.Diagnostics;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Debian's Chromium, headless: what a real browser makes of a page (apt-get install chromium; .ci/run does).</summary>
internal static class Chromium
{
    /// <summary>The page's DOM once its scripts have run for a few seconds of virtual time.</summary>
    public static async Task<string> DumpDomAsync(Uri page)
    {
        var binary = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("This test needs Debian's chromium: apt-get install chromium (.ci/run does).");
        var profile = Directory.CreateTempSubdirectory("orleansstyle-chromium-");
        try
        {
            var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile.FullName}",
                "--virtual-time-budget=8000", "--dump-dom", page.AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
            var dom = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(limit.Token);
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {await errors}");
            return await dom;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
