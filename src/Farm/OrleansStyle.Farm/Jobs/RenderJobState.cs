namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// What a render coordinator persists (grain storage <see cref="Hosting.FarmStorage.Jobs"/>): bookkeeping
/// proportional to the job's tiles, never its pixels. The spec (with its thumbnail, masks and style images), the
/// picture's bands, the frozen statistics, the coarse pass and the finished tiles are items of the job's spool; this
/// says which of them exist, so an activation on another silo continues where the last one stopped.
/// </summary>
[GenerateSerializer, Alias("orleansstyle.v1.RenderJobState")]
public sealed class RenderJobState
{
    /// <summary>Null until a spec was accepted.</summary>
    [Id(0)]
    public JobStatus? Status { get; set; }

    [Id(1)]
    public string Fingerprint { get; set; } = "";

    /// <summary>The tiling the job was planned with (kept: options may differ on the silo that resumes it).</summary>
    [Id(2)]
    public int ContextMargin { get; set; }

    /// <summary>Bands of the picture in the spool: first row → rows.</summary>
    [Id(3)]
    public SortedDictionary<int, int> Bands { get; set; } = [];

    /// <summary>Finished tiles in the order they were announced to watchers (event sequence = position).</summary>
    [Id(4)]
    public List<FinishedTile> Finished { get; set; } = [];

    /// <summary>The statistics tiles are normalised with are in the spool (a resumed job must not capture others).</summary>
    [Id(5)]
    public bool StatisticsSpooled { get; set; }

    /// <summary>Optimisation: the coarse pass's size, when its result is in the spool.</summary>
    [Id(6)]
    public int CoarseWidth { get; set; }

    [Id(7)]
    public int CoarseHeight { get; set; }

    /// <summary>When the job finished (retention counts from here).</summary>
    [Id(8)]
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The caller collected the result and the spool was emptied; only the status is left.</summary>
    [Id(9)]
    public bool Collected { get; set; }
}

/// <summary>A tile whose kept pixels are in the spool under <see cref="RenderJobSpoolKeys.Tile"/>, with their XxHash64.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.FinishedTile")]
public sealed record FinishedTile([property: Id(0)] int Tile, [property: Id(1)] ulong Checksum);
