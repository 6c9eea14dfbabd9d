namespace OrleansStyle.Cli.Tests;

/// <summary>The model files shipped in the repository's models/ folder.</summary>
internal static class BundledModels
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    /// <summary>models/multi4.safetensors: starry_night, the_scream, woman-with-hat-matisse and mondrian.</summary>
    public static string Multi4 => Path.Combine(Folder.Value, "multi4.safetensors");

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansStyle.sln")))
            {
                return Path.Combine(directory.FullName, "models");
            }
        }

        throw new DirectoryNotFoundException($"No OrleansStyle.sln above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
    }
}
