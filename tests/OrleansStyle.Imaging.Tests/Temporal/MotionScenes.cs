using OrleansStyle.Imaging;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Imaging.Tests.Temporal;

/// <summary>Frames with known motion cut from a sample photo (textured everywhere, so flow is well posed).</summary>
internal static class MotionScenes
{
    private static readonly Lazy<PlanarImage> Photo = new(() =>
        new SafeImageReader().ReadRgb(SampleImages.Content("ladybird")).ToPlanar().Resize(240, 180));

    /// <summary>A width×height window of the photo with its top-left corner at (x, y).</summary>
    public static PlanarImage Window(int x, int y, int width = 160, int height = 120) => Photo.Value.Crop(x, y, width, height);

    /// <summary>
    /// A 160×120 static background (one part of the photo) with a 40×40 patch of another part pasted at
    /// (<paramref name="left"/>, 40): moving the patch between frames disoccludes background behind it.
    /// </summary>
    public static PlanarImage PatchOver(int left)
    {
        var frame = Window(10, 10);
        var patch = Photo.Value.Crop(180, 120, 40, 40);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 40; y++)
            {
                patch.Row(c, y).CopyTo(frame.Row(c, 40 + y).Slice(left, 40));
            }
        }

        return frame;
    }
}
