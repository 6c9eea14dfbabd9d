using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Models;

/// <summary>Models are the <c>*.safetensors</c> files of one folder, named by their file name.</summary>
public sealed class DirectoryModelRegistry(IOptions<ModelRegistryOptions> options) : IModelRegistry
{
    private const string Extension = ".safetensors";

    private readonly string _directory = Path.GetFullPath(options.Value.Directory);

    public string Resolve(string name)
    {
        if (!IsPlainName(name))
        {
            throw new ModelNotFoundException($"'{name}' is not a model name: use the file name without folder or extension, e.g. multi4.");
        }

        var path = Path.Combine(_directory, name + Extension);
        return File.Exists(path)
            ? path
            : throw new ModelNotFoundException(
                $"No model '{name}'. Known models: {(Names() is { Count: > 0 } names ? string.Join(", ", names) : "none")}.");
    }

    public bool Contains(string name) => IsPlainName(name) && File.Exists(Path.Combine(_directory, name + Extension));

    public IReadOnlyList<string> Names() => Directory.Exists(_directory)
        ? [.. Directory.EnumerateFiles(_directory, "*" + Extension)
            .Where(p => !p.EndsWith(".checkpoint" + Extension, StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal)]
        : [];

    // Names come from callers: never let one reach outside the folder.
    private static bool IsPlainName(string name) => ModelNames.IsValid(name);
}
