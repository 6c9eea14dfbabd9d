using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Placement;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Plans a job's tiling. The devices' announced limits (their memory) decide the tile size, within the
/// coordinator's own bound (<see cref="JobOptions.TileSize"/>), unless the job asks for one.
/// </summary>
public sealed class RenderJobPlanner(WorkerDirectory directory, IOptions<JobOptions> options)
{
    private readonly JobOptions _options = options.Value;

    public JobTiling Plan(RenderJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var tileSize = spec.TileSize > 0 ? spec.TileSize
            : directory.SmallestMaxTileSize() is > 0 and var deviceLimit ? Math.Min(deviceLimit, _options.TileSize)
            : _options.TileSize;
        var overlap = spec.Overlap > 0 ? spec.Overlap : _options.Overlap;
        return new JobTiling(spec.Width, spec.Height, tileSize, Math.Min(overlap, tileSize / 2), _options.ContextMargin);
    }

    /// <summary>The tiling a job was planned with, from its persisted status (a resumed job keeps its tiles).</summary>
    public static JobTiling Replan(JobStatus status, int contextMargin)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new JobTiling(status.Width, status.Height, status.TileSize, status.Overlap, contextMargin);
    }
}
