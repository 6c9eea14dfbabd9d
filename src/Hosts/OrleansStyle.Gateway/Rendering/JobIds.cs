namespace OrleansStyle.Gateway.Rendering;

/// <summary>Job ids callers may choose, and the unguessable ones the gateway makes when they do not.</summary>
public static class JobIds
{
    public const int MaxLength = 128;

    public static string New() => $"job-{Guid.NewGuid():N}";

    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public const string Rule = "use 1 to 128 letters, digits, '-', '_' or '.'";
}
