namespace OrleansStyle.Tests.Shared;

/// <summary>
/// The photos, paintings and mask in ../shared/images beside the repository. Tests read them from
/// there (they are never copied into the repository); the product itself never needs them.
/// </summary>
public static class SharedImages
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string Directory => Root.Value;

    public static string Content(string name) => Resolve("content", name);

    public static string Style(string name) => Resolve("style", name);

    public static string Mask => Path.Combine(Directory, "mask", "mask.png");

    private static string Resolve(string folder, string name)
    {
        var folderPath = Path.Combine(Directory, folder);
        var match = System.IO.Directory.EnumerateFiles(folderPath, name + ".*").FirstOrDefault();
        return match ?? throw new FileNotFoundException($"No image named '{name}' in {folderPath}.");
    }

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ORLEANSSTYLE_SHARED_IMAGES");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        // Walk up from the test binaries to the repository root, whose sibling is shared/.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "..", "shared", "images");
            if (File.Exists(Path.Combine(directory.FullName, "OrleansStyle.sln")) && System.IO.Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new DirectoryNotFoundException(
            "../shared/images was not found beside the repository; set ORLEANSSTYLE_SHARED_IMAGES to its path.");
    }
}
