using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Imaging.Tests;

/// <summary>Sample images decoded once per test run and shrunk to the 256 px analysis size.</summary>
internal static class TestPhotos
{
    private static readonly SafeImageReader Reader = new();
    // Not dune: its hair-thin grass loses more than the quality tests' size tolerances to a 2× resample round trip.
    private static readonly Lazy<PlanarImage> LazyYellowFlower = new(() => LoadSmall(SampleImages.Content("yellow_flower")));
    private static readonly Lazy<PlanarImage> LazyStarryNight = new(() => LoadSmall(SampleImages.Style("starry_night")));

    public static PlanarImage YellowFlower256 => LazyYellowFlower.Value;

    public static PlanarImage StarryNight256 => LazyStarryNight.Value;

    public static PlanarImage LoadFull(string path)
    {
        using var image = Reader.ReadRgb(path);
        return image.ToPlanar();
    }

    private static PlanarImage LoadSmall(string path) => LoadFull(path).FitWithin(256);
}
