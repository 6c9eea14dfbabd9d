using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Gateway.Video;

/// <summary>
/// Clips the gateway's callers may name instead of uploading them (a shared volume in a cluster), as styles are named
/// in the style library: <c>NAME.mp4</c>, <c>.mkv</c>, <c>.webm</c> or <c>.mov</c> in <see cref="GatewayOptions.ClipDirectory"/>.
/// </summary>
public sealed class ClipLibrary(IOptions<GatewayOptions> options)
{
    private static readonly string[] Extensions = [".mp4", ".mkv", ".webm", ".mov"];

    private readonly string _directory = Path.GetFullPath(options.Value.ClipDirectory);

    /// <summary>The clip's path, or null when the library has no clip of that name (names are checked, so no path escapes the folder).</summary>
    public string? Find(string name) => ModelNames.IsValid(name)
        ? Extensions.Select(e => Path.Combine(_directory, name + e)).FirstOrDefault(File.Exists)
        : null;

    /// <summary>Every clip ffprobe reads as a video, with what it says of it; files it cannot read are left out.</summary>
    public async Task<IReadOnlyList<(string Name, VideoInfo Info, long Bytes)>> DescribeAsync(CancellationToken cancellationToken)
    {
        var clips = new List<(string, VideoInfo, long)>();
        foreach (var name in Names())
        {
            var path = Find(name)!;
            try
            {
                clips.Add((name, await VideoProbe.ProbeAsync(path, cancellationToken: cancellationToken), new FileInfo(path).Length));
            }
            catch (VideoRejectedException)
            {
                // A file an operator dropped in that is not a usable clip is left out rather than failing the listing.
            }
        }

        return clips;
    }

    public IReadOnlyList<string> Names() => Directory.Exists(_directory)
        ? [.. Directory.EnumerateFiles(_directory).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
        : [];
}
