using System.Collections.Concurrent;

namespace OrleansStyle.Farm.Pixels;

/// <summary>
/// Byte arrays of exact lengths for <see cref="PixelBuffer"/>s that a coordinator builds and sends again and again
/// (tile windows: every interior window of a job has the same size). <see cref="System.Buffers.ArrayPool{T}"/> does
/// not fit: its arrays are rounded up, while a pixel buffer's array must be exactly its size (Orleans serialises the
/// whole array). Each window is megabytes on the large-object heap; allocating one per tile made the coordinator's
/// silo grow by gigabytes of garbage between full collections. Arrays come back only from callers that own them
/// again (a call that carried one has completed); the pool keeps at most <see cref="MaxPooledBytes"/> and drops the rest.
/// </summary>
public sealed class PixelBufferPool(long maxPooledBytes = PixelBufferPool.DefaultMaxPooledBytes)
{
    /// <summary>
    /// A few windows (a 2048-px window is 12 MB): enough for a steady stream of tiles, whose windows come back as fast
    /// as new ones go out, without holding much once the jobs end.
    /// </summary>
    public const long DefaultMaxPooledBytes = 64L << 20;

    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();
    private long _pooledBytes;

    public long MaxPooledBytes { get; } = maxPooledBytes >= 0 ? maxPooledBytes : throw new ArgumentOutOfRangeException(nameof(maxPooledBytes));

    /// <summary>Bytes held for reuse now.</summary>
    public long PooledBytes => Interlocked.Read(ref _pooledBytes);

    /// <summary>An array of exactly <paramref name="length"/> bytes, reused or new; its contents are undefined.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_free.TryGetValue(length, out var bag) && bag.TryTake(out var array))
        {
            Interlocked.Add(ref _pooledBytes, -array.Length);
            return array;
        }

        // On the pinned-object heap: these arrays live long, and large-object-heap survivors raise that heap's budget
        // (the next full collection waits for several times what survived), which is what let garbage pile up.
        return GC.AllocateUninitializedArray<byte>(length, pinned: true);
    }

    /// <summary>A buffer of the shape, on a rented array (see <see cref="Rent"/>).</summary>
    public PixelBuffer Rent(int width, int height, int channels) =>
        new(width, height, channels, Rent(checked(width * height * channels)));

    /// <summary>Gives an array back; the caller must not touch it afterwards, nor anyone it handed it to.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (Interlocked.Add(ref _pooledBytes, array.Length) > MaxPooledBytes)
        {
            Interlocked.Add(ref _pooledBytes, -array.Length); // full: the collector takes it
            return;
        }

        _free.GetOrAdd(array.Length, _ => []).Add(array);
    }
}
