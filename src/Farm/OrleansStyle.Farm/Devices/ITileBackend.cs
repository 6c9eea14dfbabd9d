using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// What runs on a device. Called only from the device's own thread, one call at a time, so implementations
/// need no locking and may keep device state (loaded models) in plain fields.
/// </summary>
public interface ITileBackend : IDisposable
{
    /// <summary>Tiles with equal keys can share one forward pass (same model, size and kind of input).</summary>
    string BatchKey(TileWork work);

    /// <summary>Renders tiles that share a batch key; results in the same order.</summary>
    IReadOnlyList<PixelBuffer> Render(IReadOnlyList<TileWork> batch, CancellationToken cancellationToken);

    FrozenStatistics CaptureStatistics(StatisticsWork work, CancellationToken cancellationToken);

    /// <summary>Bytes of model weights the backend holds on its device (read from other threads, for metrics).</summary>
    long ModelBytes => 0;
}
