using System.Diagnostics;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Native;

public sealed class TorchSharpNativeTests
{
    [Fact]
    public void Loads_libtorch_and_runs_a_convolution()
    {
        using var scope = NewDisposeScope();

        // A 3×3 box filter over ones: interior pixels sum nine ones, corners four (zero padding).
        var input = ones(1, 1, 5, 5);
        var kernel = ones(1, 1, 3, 3);
        var output = nn.functional.conv2d(input, kernel, strides: [1, 1], padding: [1, 1]);

        Assert.Equal(new long[] { 1, 1, 5, 5 }, output.shape);
        Assert.Equal(9f, output[0, 0, 2, 2].item<float>());
        Assert.Equal(4f, output[0, 0, 0, 0].item<float>());
    }

    [Fact]
    public void Output_copy_of_LibTorchSharp_requires_GLIBCXX_3_4_32_weakly_only_where_the_host_lacks_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var library = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        var hostHasVersion = HostLibstdcxxVersions().Contains("GLIBCXX_3.4.32");
        var flags = VersionNeedFlags(library, "GLIBCXX_3.4.32");

        // readelf prints "Flags: WEAK" for VER_FLG_WEAK and "Flags: none" for an unmodified requirement.
        Assert.Equal(hostHasVersion ? "none" : "WEAK", flags);
    }

    private static string VersionNeedFlags(string library, string version)
    {
        var output = Run("readelf", $"-V \"{library}\"");
        var line = output.Split('\n').Single(l => l.Contains($"Name: {version}"));
        return line.Split("Flags:")[1].Trim().Split(' ')[0];
    }

    private static string HostLibstdcxxVersions()
    {
        var path = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }
            .First(File.Exists);
        return System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path));
    }

    private static string Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
