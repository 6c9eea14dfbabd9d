using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Imaging.Tests.Quality;

public sealed class FloatRadixSortTests
{
    [Fact]
    public void Sorts_like_array_sort_including_signs_zeros_and_infinities()
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 5000)
            .Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7))))
            .Concat([0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 3f, 3f])
            .ToArray();
        var expected = values.Order().ToArray();

        new FloatRadixSort(values.Length).Sort(values);

        Assert.Equal(expected, values);
    }

    [Fact]
    public void Sorts_a_prefix_of_its_capacity()
    {
        var values = new[] { 2f, -1f, 0.5f };
        var sorter = new FloatRadixSort(10);

        sorter.Sort(values);
        sorter.Sort(values.AsSpan(0, 0));

        Assert.Equal([-1f, 0.5f, 2f], values);
        Assert.Throws<ArgumentException>(() => sorter.Sort(new float[11]));
    }
}
