namespace OrleansStyle.Farm.Models;

/// <summary>Model names come from callers and become file names: never let one reach outside the folder or shadow a checkpoint.</summary>
public static class ModelNames
{
    public const string Rule = "use 1–128 letters, digits, '-', '_' or '.', not starting with '.' and not ending with '.checkpoint'";

    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 128 && !name.StartsWith('.') && !name.EndsWith(".checkpoint", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
