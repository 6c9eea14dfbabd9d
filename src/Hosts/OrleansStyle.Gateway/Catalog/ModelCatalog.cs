using System.Collections.Concurrent;
using OrleansStyle.Farm.Models;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Gateway.Catalog;

/// <summary>
/// What the gateway knows about the registry's models: their metadata, read once per file version, so a render's
/// styles are checked before any picture is uploaded and Models.DescribeModel does not re-read weights.
/// </summary>
public sealed class ModelCatalog(IModelRegistry registry)
{
    private readonly ConcurrentDictionary<string, (DateTime Written, long Bytes, StyleModelInfo Info)> _cache = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Names() => registry.Names();

    /// <summary>The model file's path; <see cref="Farm.Jobs.ModelNotFoundException"/> for an unknown name.</summary>
    public string Resolve(string name) => registry.Resolve(name);

    /// <summary>The model's metadata; <see cref="Farm.Jobs.ModelNotFoundException"/> for an unknown name.</summary>
    public (StyleModelInfo Info, long Bytes) Describe(string name)
    {
        var path = registry.Resolve(name);
        var file = new FileInfo(path);
        var written = file.LastWriteTimeUtc;
        if (_cache.TryGetValue(path, out var cached) && cached.Written == written && cached.Bytes == file.Length)
        {
            return (cached.Info, cached.Bytes);
        }

        var info = StyleModelFile.ReadInfo(path);
        _cache[path] = (written, file.Length, info);
        return (info, file.Length);
    }
}
