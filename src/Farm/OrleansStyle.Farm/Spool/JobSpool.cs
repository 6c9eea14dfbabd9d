using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace OrleansStyle.Farm.Spool;

/// <summary>
/// Items of jobs kept in a folder (<see cref="SpoolOptions.Path"/>), addressed by job id and item key: the source
/// picture's bands, finished tiles, a training run's checkpoints, a video's frames. Writes are atomic and the first
/// writer wins: the bytes go to a temporary file that is then hard-linked to the item's name, which fails if the
/// name exists, so a reader sees a whole item or none and a second writer of the same item (a tile rendered twice)
/// changes nothing. A job's folder goes when its result is collected, or when the sweep finds it untouched for
/// longer than the retention. Plain files rather than a store: a ReadWriteMany volume is what Kubernetes offers
/// every pod, and the bytes are already the wire format.
/// </summary>
public sealed class JobSpool(IOptions<SpoolOptions> options, TimeProvider time)
{
    private readonly string _root = Directory.CreateDirectory(options.Value.ResolvePath()).FullName;

    public string Root => _root;

    /// <summary>Writes the item unless it exists; true when this call wrote it, false when an earlier writer had.</summary>
    public async Task<bool> TryWriteAsync(string jobId, string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var path = ItemPath(jobId, key);
        if (File.Exists(path))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(data, cancellationToken);
            }

            // Without overwrite, .NET links the new name on Unix (atomic, fails if it exists) and then drops the temporary one.
            File.Move(temporary, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // another writer got there first: its bytes stand
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The item's bytes; <see cref="SpoolItemMissingException"/> when it is not there.</summary>
    public async Task<byte[]> ReadAsync(string jobId, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await File.ReadAllBytesAsync(ItemPath(jobId, key), cancellationToken);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpoolItemMissingException($"Job {jobId} has no spooled '{key}' (its spool at {_root} was emptied or is not shared with this silo).", exception);
        }
    }

    /// <summary>A handle for reading parts of an item at offsets (<see cref="RandomAccess"/>); the caller disposes it.</summary>
    public SafeFileHandle OpenRead(string jobId, string key)
    {
        try
        {
            return File.OpenHandle(ItemPath(jobId, key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpoolItemMissingException($"Job {jobId} has no spooled '{key}' (its spool at {_root} was emptied or is not shared with this silo).", exception);
        }
    }

    /// <summary>
    /// A fresh temporary file path in the job's folder, for writers that produce a file themselves (a training
    /// checkpoint); hand it to <see cref="TryMoveIn"/> when it is complete. Same folder, so the move is a link, not a copy.
    /// </summary>
    public string NewTemporaryPath(string jobId)
    {
        var folder = Directory.CreateDirectory(JobFolder(jobId)).FullName;
        return Path.Combine(folder, $"{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Makes a complete file from <see cref="NewTemporaryPath"/> the item; false (and the file deleted) when the item exists.</summary>
    public bool TryMoveIn(string jobId, string key, string temporaryPath)
    {
        var path = ItemPath(jobId, key);
        try
        {
            File.Move(temporaryPath, path, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporaryPath);
            return false;
        }
    }

    /// <summary>Where an item lives, for readers that take a path (it may not exist).</summary>
    public string PathOf(string jobId, string key) => ItemPath(jobId, key);

    public bool Exists(string jobId, string key) => File.Exists(ItemPath(jobId, key));

    /// <summary>The keys a job holds (finished writes only), in ordinal order.</summary>
    public IReadOnlyList<string> Keys(string jobId)
    {
        var folder = JobFolder(jobId);
        return Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(n => !n!.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal)!]
            : [];
    }

    public void Delete(string jobId, string key) => File.Delete(ItemPath(jobId, key));

    /// <summary>Drops everything of a job (its result was collected, or it is gone).</summary>
    public void DeleteJob(string jobId)
    {
        var folder = JobFolder(jobId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deletes the folders of jobs nothing wrote to for longer than <paramref name="retention"/>; returns how many.</summary>
    public int Sweep(TimeSpan retention)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - retention;
        var swept = 0;
        foreach (var folder in Directory.EnumerateDirectories(_root))
        {
            var lastWrite = Directory.EnumerateFiles(folder).Select(File.GetLastWriteTimeUtc).Append(Directory.GetLastWriteTimeUtc(folder)).Max();
            if (lastWrite < cutoff)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                    swept++;
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Another silo swept it at the same moment, or a writer is still in it: the next sweep decides.
                }
            }
        }

        return swept;
    }

    private string ItemPath(string jobId, string key)
    {
        if (key.Length is 0 or > 128 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || key[0] == '.')
        {
            throw new ArgumentException($"Spool key '{key}' must be 1–128 characters of letters, digits, '-', '_' and '.', not starting with '.'.", nameof(key));
        }

        return Path.Combine(JobFolder(jobId), key);
    }

    /// <summary>
    /// Job ids are chosen by callers: the folder keeps the id's safe characters for people reading the spool, and a
    /// hash of the whole id so distinct ids never share a folder.
    /// </summary>
    private string JobFolder(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var readable = new string([.. jobId.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(64)]);
        var hash = Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(jobId)));
        return Path.Combine(_root, $"{readable}.{hash}");
    }
}
