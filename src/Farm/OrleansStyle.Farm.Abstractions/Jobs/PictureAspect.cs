namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// The one rule for "this image has the picture's aspect ratio" (masks, thumbnails): the ratios agree within 2 %,
/// plus a pixel of rounding. The gateway checks uploads with it and the coordinator checks specs with it.
/// </summary>
public static class PictureAspect
{
    public static bool Matches(int width, int height, int pictureWidth, int pictureHeight) =>
        Math.Abs(((double)width / height) - ((double)pictureWidth / pictureHeight)) <= 0.02 * ((double)pictureWidth / pictureHeight) + (1.0 / height);
}
