using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Imaging.Tests;

/// <summary>Shared photos decoded once per test run and shrunk to the 256 px analysis size.</summary>
internal static class TestPhotos
{
    private static readonly SafeImageReader Reader = new();
    private static readonly Lazy<PlanarImage> LazyTubingen = new(() => LoadSmall(SharedImages.Content("tubingen")));
    private static readonly Lazy<PlanarImage> LazyStarryNight = new(() => LoadSmall(SharedImages.Style("starry_night")));

    public static PlanarImage Tubingen256 => LazyTubingen.Value;

    public static PlanarImage StarryNight256 => LazyStarryNight.Value;

    public static PlanarImage LoadFull(string path)
    {
        using var image = Reader.ReadRgb(path);
        return image.ToPlanar();
    }

    private static PlanarImage LoadSmall(string path) => LoadFull(path).FitWithin(256);
}
