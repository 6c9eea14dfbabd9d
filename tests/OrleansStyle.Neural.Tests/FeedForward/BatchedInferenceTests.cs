using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Tests.Shared;
using static OrleansStyle.Neural.Tests.FeedForward.FeedForwardFixtures;

namespace OrleansStyle.Neural.Tests.FeedForward;

/// <summary>
/// A batch must render each item exactly as rendering it alone would (up to float rounding of batched kernels),
/// whatever the other items bring: other styles, masks, α or statistics.
/// </summary>
public sealed class BatchedInferenceTests
{
    private const float Tolerance = 1e-5f;

    private static readonly Lazy<PlanarImage[]> Tiles = new(() =>
    [
        TestImages.Load(SampleImages.Content("dune"), 48, 48),
        TestImages.Load(SampleImages.Style("starry_night"), 48, 48),
        TestImages.Load(SampleImages.Style("the_scream"), 48, 48),
    ]);

    private static readonly PlanarImage Left = TestImages.Mask(48, 48, (x, _) => x < 24 ? 1f : 0f);

    private static readonly PlanarImage Right = TestImages.Mask(48, 48, (x, _) => x < 24 ? 0f : 1f);

    /// <summary>A soft mask over the top two thirds: the rest keeps the content (coverage below 1).</summary>
    private static readonly PlanarImage Top = TestImages.Mask(48, 48, (_, y) => Math.Clamp((32 - y) / 8f, 0f, 1f));

    [Theory]
    [InlineData("distinct")]
    [InlineData("mixed")]
    [InlineData("shared")]
    [InlineData("none")]
    public void Tiles_with_different_weights_and_statistics_render_as_they_do_alone(string statisticsKind)
    {
        using var model = RandomModel(3);
        var all = new[] { FeedForwardRegion.Everywhere(StyleChoice.Trained(0), StyleChoice.Trained(1), StyleChoice.Trained(2)) };
        using var fromContent = model.CaptureStatistics(Content.Value, all);
        using var fromScream = model.CaptureStatistics(Scream.Value, all);
        NormStatistics?[] statistics = statisticsKind switch
        {
            "distinct" => [fromContent, fromScream, fromContent],
            "mixed" => [fromContent, null, fromScream],
            "shared" => [fromScream, fromScream, fromScream],
            _ => [null, null, null],
        };
        StyleBatchItem[] items =
        [
            new(Tiles.Value[0], [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))], Statistics: statistics[0]),
            new(Tiles.Value[1], [FeedForwardRegion.Everywhere(StyleChoice.Trained(1, 0.3f), StyleChoice.Trained(2, 0.7f))], Statistics: statistics[1]),
            new(Tiles.Value[2], [FeedForwardRegion.Everywhere(StyleChoice.Trained(2), StyleChoice.Trained(0))], Statistics: statistics[2]),
        ];

        AssertBatchMatchesAlone(model, items);
    }

    [Fact]
    public void Global_and_masked_items_mix_in_one_batch()
    {
        using var model = RandomModel(3);
        using var frozen = model.CaptureStatistics(StarryNight.Value, [new(null, [StyleChoice.Trained(1)])]);
        StyleBatchItem[] items =
        [
            new(Tiles.Value[0], [FeedForwardRegion.Everywhere(StyleChoice.Trained(0, 0.5f), StyleChoice.Trained(1, 0.5f))]),
            new(Tiles.Value[1], [new(Left, [StyleChoice.Trained(2)]), new(Right, [StyleChoice.Trained(0)])], Statistics: frozen),
            new(Tiles.Value[2], [new(Top, [StyleChoice.Trained(1)])]),
        ];

        var batch = AssertBatchMatchesAlone(model, items);

        // The third item's uncovered rows keep the content, as they do alone.
        Assert.Equal(Tiles.Value[2].Row(0, 47).ToArray(), batch[2].Row(0, 47).ToArray());
    }

    [Fact]
    public void AdaIn_batches_equal_per_item_renders()
    {
        using var model = RandomAdaIn();
        FeedForwardRegion[] starry = [FeedForwardRegion.Everywhere(StyleChoice.FromImage(StarryNight.Value))];
        using var frozen = model.CaptureStatistics(Content.Value, starry);
        StyleBatchItem[] items =
        [
            new(Tiles.Value[0], starry),
            new(Tiles.Value[1], [FeedForwardRegion.Everywhere(StyleChoice.FromImage(Scream.Value, 0.6f), StyleChoice.FromImage(StarryNight.Value, 0.4f))], Alpha: 0.5f),
            new(Tiles.Value[2], starry, Statistics: frozen),
            new(Tiles.Value[0], [new(Left, [StyleChoice.FromImage(Scream.Value)]), new(Right, [StyleChoice.FromImage(StarryNight.Value)])], Alpha: 0.8f),
        ];

        AssertBatchMatchesAlone(model, items);
    }

    [Fact]
    public void Repeated_batched_inference_leaks_no_tensors()
    {
        using var multi = RandomModel(3);
        using var adain = RandomAdaIn();
        using var frozen = multi.CaptureStatistics(StarryNight.Value, [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))]);
        using var adainFrozen = adain.CaptureStatistics(Content.Value, [FeedForwardRegion.Everywhere(StyleChoice.FromImage(Scream.Value))]);
        StyleBatchItem[] transformerItems =
        [
            new(Tiles.Value[0], [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))], Statistics: frozen),
            new(Tiles.Value[1], [new(Left, [StyleChoice.Trained(1)]), new(Right, [StyleChoice.Trained(2)])]),
            new(Tiles.Value[2], [new(Top, [StyleChoice.Trained(2)])], Statistics: frozen),
        ];
        StyleBatchItem[] adainItems =
        [
            new(Tiles.Value[0], [FeedForwardRegion.Everywhere(StyleChoice.FromImage(Scream.Value))], Statistics: adainFrozen),
            new(Tiles.Value[1], [new(Top, [StyleChoice.FromImage(StarryNight.Value)])], Alpha: 0.5f),
        ];

        TensorLeaks.AssertNoLeak(() => multi.StyliseBatch(transformerItems), 3);
        TensorLeaks.AssertNoLeak(() => adain.StyliseBatch(adainItems), 3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Contents_of_different_sizes_are_rejected(bool adain)
    {
        using IStyleModel model = adain ? RandomAdaIn() : RandomModel(1);
        var style = adain ? StyleChoice.FromImage(StarryNight.Value) : StyleChoice.Trained(0);
        StyleBatchItem[] items =
        [
            new(Tiles.Value[0], [FeedForwardRegion.Everywhere(style)]),
            new(Content.Value, [FeedForwardRegion.Everywhere(style)]),
        ];

        var error = Assert.Throws<ArgumentException>(() => model.StyliseBatch(items));
        Assert.Equal("items", error.ParamName);
        Assert.Contains("must have one size: item 0 is 48×48×3 but item 1 is 64×48×3", error.Message);
        Assert.Empty(model.StyliseBatch([]));
    }

    [Fact]
    public void Alpha_in_a_transformer_batch_is_rejected()
    {
        using var model = RandomModel(1);
        var error = Assert.Throws<ArgumentException>(() => model.StyliseBatch([new(Tiles.Value[0], [FeedForwardRegion.Everywhere(StyleChoice.Trained(0))], Alpha: 0.5f)]));
        Assert.Contains("applies to AdaIN models only", error.Message);
    }

    private static IReadOnlyList<PlanarImage> AssertBatchMatchesAlone(IStyleModel model, IReadOnlyList<StyleBatchItem> items)
    {
        var batch = model.StyliseBatch(items);
        Assert.Equal(items.Count, batch.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var alone = model.Stylise(items[i].Content, items[i].Regions, items[i].Alpha, items[i].Statistics);
            Assert.Equal((alone.Width, alone.Height, alone.Channels), (batch[i].Width, batch[i].Height, batch[i].Channels));
            var difference = alone.Data.Zip(batch[i].Data).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(difference <= Tolerance, $"item {i}: max |batch − alone| = {difference:E2}");
        }

        // The items really differ, so a batch that rendered one item for all would fail.
        Assert.NotEqual(batch[0].Data, batch[1].Data);
        return batch;
    }
}
