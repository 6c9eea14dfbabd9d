namespace OrleansStyle.Farm.Models;

/// <summary>Where a silo finds model files. Bound from <c>OrleansStyle:Models</c>.</summary>
public sealed class ModelRegistryOptions
{
    public const string Section = "OrleansStyle:Models";

    /// <summary>Folder of <c>NAME.safetensors</c> files; the model's name is the file name without extension.</summary>
    public string Directory { get; set; } = "models";
}
