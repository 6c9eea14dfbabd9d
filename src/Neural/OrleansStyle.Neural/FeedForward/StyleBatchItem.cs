using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward.Networks;

namespace OrleansStyle.Neural.FeedForward;

/// <summary>
/// One image of a batched <see cref="IStyleModel.StyliseBatch"/> call: the arguments of
/// <see cref="IStyleModel.Stylise"/> for one content (e.g. a tile). Items of one batch may come from different
/// jobs (other regions, weights, α and statistics) but their contents share one size. The batch does not own
/// <see cref="Statistics"/>: dispose them when no batch needs them any more.
/// </summary>
public sealed record StyleBatchItem(PlanarImage Content, IReadOnlyList<FeedForwardRegion> Regions, float Alpha = 1f, NormStatistics? Statistics = null)
{
    /// <summary>The contents' common width and height; an <see cref="ArgumentException"/> naming the first item that differs otherwise.</summary>
    internal static (int Width, int Height) CommonSize(IReadOnlyList<StyleBatchItem> items, string parameterName)
    {
        if (items.Any(i => i is null || i.Content is null || i.Regions is null))
        {
            throw new ArgumentException("Every batch item needs a content image and its regions.", parameterName);
        }

        var first = items[0].Content;
        for (var i = 1; i < items.Count; i++)
        {
            var content = items[i].Content;
            if (content.Width != first.Width || content.Height != first.Height || content.Channels != first.Channels)
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"All contents of a batch must have one size: item 0 is {first.Width}×{first.Height}×{first.Channels} but item {i} is {content.Width}×{content.Height}×{content.Channels}. Batch tiles of the same size together."),
                    parameterName);
            }
        }

        return (first.Width, first.Height);
    }
}
