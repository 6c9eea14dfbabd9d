using OrleansStyle.Imaging;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// Feed-forward networks learn odd behaviour at image borders (their own padding, and the loss network's zero
/// padding during training, leave thin lines a few pixels in). Rendering a reflection-padded picture and cropping
/// the padding away puts those borders outside the result.
/// </summary>
internal static class BorderPadding
{
    /// <summary>A multiple of 32, so the transformer's strides and the ResNet encoder see the same alignment.</summary>
    public const int DefaultPixels = 32;

    /// <summary>Runs <paramref name="render"/> on the padded items and crops the results back to their size.</summary>
    public static IReadOnlyList<PlanarImage> Render(
        IReadOnlyList<StyleBatchItem> items, int pixels, Func<IReadOnlyList<StyleBatchItem>, IReadOnlyList<PlanarImage>> render)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (pixels == 0 || items.Count == 0)
        {
            return render(items);
        }

        var (width, height) = StyleBatchItem.CommonSize(items, nameof(items));
        var amount = Amount(width, height, pixels);
        var padded = render([.. items.Select(i => Pad(i, amount))]);
        return [.. padded.Select(image => Crop(image, amount, width, height))];
    }

    public static (int X, int Y) Amount(int width, int height, int pixels) =>
        (Math.Min(pixels, width - 1), Math.Min(pixels, height - 1));

    public static StyleBatchItem Pad(StyleBatchItem item, (int X, int Y) amount) => item with
    {
        Content = Reflect(item.Content, amount),
        Regions = [.. item.Regions.Select(r => r with { Mask = r.Mask is null ? null : Reflect(r.Mask, amount) })],
    };

    public static IReadOnlyList<FeedForwardRegion> Pad(IReadOnlyList<FeedForwardRegion> regions, (int X, int Y) amount) =>
        [.. regions.Select(r => r with { Mask = r.Mask is null ? null : Reflect(r.Mask, amount) })];

    public static PlanarImage Crop(PlanarImage padded, (int X, int Y) amount, int width, int height) =>
        padded.Crop(amount.X, amount.Y, width, height);

    /// <summary>Mirrors the image into a border of the given widths (the edge pixel is not repeated).</summary>
    public static PlanarImage Reflect(PlanarImage image, (int X, int Y) amount)
    {
        if (amount is (0, 0))
        {
            return image;
        }

        var width = image.Width + (2 * amount.X);
        var height = image.Height + (2 * amount.Y);
        var padded = new PlanarImage(width, height, image.Channels);
        for (var c = 0; c < image.Channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var source = image.Row(c, Mirror(y - amount.Y, image.Height));
                var target = padded.Row(c, y);
                for (var x = 0; x < width; x++)
                {
                    target[x] = source[Mirror(x - amount.X, image.Width)];
                }
            }
        }

        return padded;
    }

    private static int Mirror(int index, int length) =>
        index < 0 ? -index : index >= length ? (2 * (length - 1)) - index : index;
}
