using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Tests;

/// <summary>The coordinator's pool of tile-window arrays: exact lengths, reuse, and a bounded hold.</summary>
public sealed class PixelBufferPoolTests
{
    [Fact]
    public void Rented_arrays_have_exactly_the_asked_length_and_a_returned_one_is_reused_for_that_length()
    {
        var pool = new PixelBufferPool();
        var window = pool.Rent(48, 32, 3);
        Assert.Equal(48 * 32 * 3, window.Data.Length); // a PixelBuffer's array is exactly its size
        Assert.Empty(window.Validate("window"));

        pool.Return(window.Data);
        Assert.Equal(window.Data.Length, pool.PooledBytes);
        Assert.NotSame(window.Data, pool.Rent(window.Data.Length + 3)); // another length: a new array
        Assert.Same(window.Data, pool.Rent(window.Data.Length));
        Assert.Equal(0, pool.PooledBytes);
    }

    [Fact]
    public void The_pool_holds_no_more_than_its_budget()
    {
        var pool = new PixelBufferPool(maxPooledBytes: 100);
        byte[] first = pool.Rent(60), second = pool.Rent(60);

        pool.Return(first);
        pool.Return(second); // over the budget: left to the collector

        Assert.Equal(60, pool.PooledBytes);
        Assert.Same(first, pool.Rent(60));
        Assert.NotSame(second, pool.Rent(60));
    }
}
