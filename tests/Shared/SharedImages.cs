namespace OrleansStyle.Tests.Shared;

/// <summary>
/// The optional ../shared/images beside the repository (or $ORLEANSSTYLE_SHARED_IMAGES): more photos and paintings
/// that may not be committed. Tests never need it; where it is present they also run over its images.
/// </summary>
public static class SharedImages
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The folder, or null when there is none.</summary>
    public static string? Directory => Root.Value;

    private static string? FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ORLEANSSTYLE_SHARED_IMAGES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            // Named on purpose, so a wrong path is an error rather than silently fewer tests.
            return System.IO.Directory.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new DirectoryNotFoundException($"ORLEANSSTYLE_SHARED_IMAGES names {fromEnvironment}, which does not exist.");
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot.Directory, "..", "shared", "images"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }
}
