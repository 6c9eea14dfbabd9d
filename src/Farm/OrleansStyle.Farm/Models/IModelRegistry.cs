namespace OrleansStyle.Farm.Models;

/// <summary>Resolves model names to files every silo can read (a folder baked into the image or a shared volume).</summary>
public interface IModelRegistry
{
    /// <summary>The model file's path; throws <see cref="Jobs.ModelNotFoundException"/> for an unknown name.</summary>
    string Resolve(string name);

    bool Contains(string name);

    IReadOnlyList<string> Names();
}
