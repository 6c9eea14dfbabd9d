namespace OrleansStyle.Imaging.Video;

/// <summary>
/// The frames a clip's frozen normalisation statistics are taken from: <see cref="Count"/> frames spread evenly over
/// the segment, side by side in a 2×2 sheet, so instance-norm statistics of the sheet are those of the keyframes
/// pooled, one set for the whole clip.
/// </summary>
public static class VideoKeyframes
{
    public const int Count = 4;

    public static async Task<PlanarImage> SheetAsync(string clip, VideoSegment segment, TimeSpan length, int width, int height, CancellationToken cancellationToken = default)
    {
        var sheet = new PlanarImage(width * 2, height * 2, 3);
        var origin = segment.Start ?? TimeSpan.Zero;
        for (var k = 0; k < Count; k++)
        {
            var time = origin + (length * ((k + 0.5) / Count));
            var frame = await VideoFrameReader.ReadFrameAtAsync(clip, time, width, height, cancellationToken);
            var (left, top) = (k % 2 * width, k / 2 * height);
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    frame.Row(c, y).CopyTo(sheet.Row(c, top + y).Slice(left, width));
                }
            }
        }

        return sheet;
    }
}
