namespace OrleansStyle.Tests.Shared;

/// <summary>
/// The photos, paintings and mask committed in the repository's samples/ folder (licences in samples/README.md):
/// every image the tests need, so a clone runs them with nothing beside it.
/// </summary>
public static class SampleImages
{
    public static string Directory => Path.Combine(RepositoryRoot.Directory, "samples");

    public static string Content(string name) => Resolve("content", name);

    public static string Style(string name) => Resolve("style", name);

    public static string Mask(string name) => Resolve("mask", name);

    private static string Resolve(string folder, string name)
    {
        var folderPath = Path.Combine(Directory, folder);
        var match = System.IO.Directory.EnumerateFiles(folderPath, name + ".*").FirstOrDefault();
        return match ?? throw new FileNotFoundException($"No image named '{name}' in {folderPath}.");
    }
}
