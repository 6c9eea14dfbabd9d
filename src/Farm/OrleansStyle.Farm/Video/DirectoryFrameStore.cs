using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// <see cref="IVideoFrameStore"/> as a folder per job under <see cref="VideoOptions.SpoolDirectory"/>: frames as raw
/// RGB files (<c>000042.rgb</c>; no encoding cost on the coordinator), written under a temporary name and renamed, so
/// a process killed mid-write leaves no half frame. A <c>request</c> file names the request the frames belong to.
/// </summary>
public sealed class DirectoryFrameStore(IOptions<VideoOptions> options) : IVideoFrameStore
{
    private const string Extension = ".rgb";
    private const string RequestFile = "request";

    private readonly string _root = Path.GetFullPath(options.Value.SpoolDirectory);

    public IReadOnlySet<int> Open(string jobId, string fingerprint, int width, int height)
    {
        var folder = Folder(jobId);
        var request = $"{fingerprint} {width}x{height}";
        var requestPath = Path.Combine(folder, RequestFile);
        Directory.CreateDirectory(folder);
        if (File.Exists(requestPath))
        {
            if (File.ReadAllText(requestPath) != request)
            {
                throw new JobIdInUseException(
                    $"The job id {jobId} already names the frames of a different video request: choose another id, or send the same request again to resume it.");
            }
        }
        else
        {
            WriteAtomically(requestPath, System.Text.Encoding.UTF8.GetBytes(request));
        }

        var held = new HashSet<int>();
        var frameBytes = (long)width * height * 3;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            if (name.Contains(".tmp-", StringComparison.Ordinal))
            {
                File.Delete(file); // a write cut short by a killed process
            }
            else if (name.EndsWith(Extension, StringComparison.Ordinal)
                && int.TryParse(name[..^Extension.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && new FileInfo(file).Length == frameBytes)
            {
                held.Add(index);
            }
        }

        return held;
    }

    public async Task WriteAsync(string jobId, int index, PixelBuffer frame, CancellationToken cancellationToken = default)
    {
        var path = FramePath(jobId, index);
        var temporary = $"{path}.tmp-{Guid.NewGuid():N}";
        await File.WriteAllBytesAsync(temporary, frame.Data, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<PixelBuffer> ReadAsync(string jobId, int index, int width, int height, CancellationToken cancellationToken = default) =>
        new(width, height, 3, await File.ReadAllBytesAsync(FramePath(jobId, index), cancellationToken));

    public void Delete(string jobId)
    {
        var folder = Folder(jobId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string FramePath(string jobId, int index) =>
        Path.Combine(Folder(jobId), index.ToString("D6", CultureInfo.InvariantCulture) + Extension);

    /// <summary>Job ids become folder names, so only the characters job ids may have (as the gateway enforces) pass.</summary>
    private string Folder(string jobId) =>
        jobId.Length is > 0 and <= 128 && jobId is not ("." or "..") && jobId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? Path.Combine(_root, jobId)
            : throw new InvalidJobException($"The job id '{jobId}' cannot name a video job: use 1–128 letters, digits, '-', '_' or '.'.");

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = $"{path}.tmp-{Guid.NewGuid():N}";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
