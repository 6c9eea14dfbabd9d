using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Neural.FeedForward;

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
        var tileSize = spec.Options.TileSize > 0 ? spec.Options.TileSize
            : directory.SmallestMaxTileSize() is > 0 and var deviceLimit ? Math.Min(deviceLimit, _options.TileSize)
            : _options.TileSize;
        var overlap = spec.Options.Overlap > 0 ? spec.Options.Overlap : _options.Overlap;

        // The network sees windows shrunk by the stroke scale: its context margin and grid are in shrunk pixels.
        var strokeScale = StrokeScaleOf(spec);
        return new JobTiling(
            spec.Width, spec.Height, tileSize, Math.Min(overlap, tileSize / 2), (int)Math.Ceiling(_options.ContextMargin * strokeScale),
            StrokeScaling.Alignment(strokeScale));
    }

    /// <summary>The stroke scale every tile of the job is rendered at: resolved once (0 = automatic), 1 for optimisation.</summary>
    public static float StrokeScaleOf(RenderJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Options.Method == RenderMethod.Optimize ? 1f
            : StrokeScaling.Resolve(spec.Options.StrokeScale, Math.Max(spec.Width, spec.Height), Math.Min(spec.Width, spec.Height));
    }

    /// <summary>The tiling a job was planned with, from its persisted status (a resumed job keeps its tiles).</summary>
    public static JobTiling Replan(JobStatus status, int contextMargin, float strokeScale)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new JobTiling(status.Width, status.Height, status.TileSize, status.Overlap, contextMargin, StrokeScaling.Alignment(strokeScale));
    }
}
