using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Options;

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

    public IReadOnlyList<string> Names() => Directory.Exists(_directory)
        ? [.. Directory.EnumerateFiles(_directory).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal)]
        : [];
}
