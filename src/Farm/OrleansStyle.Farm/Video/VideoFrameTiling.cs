using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// Whether a video job's frames go to the devices whole or cut into the render's seamless tiles. A device's announced
/// tile limit (512 px on CPUs, 2048 on CUDA devices) bounds the memory a forward pass takes, and a network's
/// activations grow with the pixels, not with the long side: a frame goes whole while it has no more pixels than a
/// limit-sized square (640×360 is 88 % of 512²). Whole frames render fewer pixels than their tiles (no context margins,
/// no overlaps) and skip the mosaic; measured in docs/benchmarks.md, "Video on the farm".
/// </summary>
public static class VideoFrameTiling
{
    /// <summary>The tiling for frames of this size, or null when they go whole.</summary>
    /// <param name="deviceLimit">The smallest tile side the cluster's devices announce; 0 when none announces one.</param>
    /// <param name="frozenStatistics">
    /// Tiles need the clip's frozen statistics to look alike; without them (per-frame statistics) frames always go whole.
    /// </param>
    public static JobTiling? For(int width, int height, int deviceLimit, JobOptions options, bool frozenStatistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limit = deviceLimit > 0 ? Math.Min(deviceLimit, options.TileSize) : options.TileSize;
        return !frozenStatistics || (long)width * height <= (long)limit * limit
            ? null
            : new JobTiling(width, height, limit, Math.Min(options.Overlap, limit / 2), options.ContextMargin);
    }
}
