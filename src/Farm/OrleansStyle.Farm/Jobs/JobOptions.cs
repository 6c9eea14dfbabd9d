namespace OrleansStyle.Farm.Jobs;

/// <summary>How coordinators tile and route jobs. Bound from <c>OrleansStyle:Jobs</c>.</summary>
public sealed class JobOptions
{
    public const string Section = "OrleansStyle:Jobs";

    /// <summary>
    /// Largest tile side a job is planned with when it does not choose one. The devices' own limits
    /// (<see cref="Devices.DeviceOptions.MaxTileSize"/>, announced per silo) usually decide; this bounds them, and is
    /// the tile size when no silo announces a limit.
    /// </summary>
    public int TileSize { get; set; } = 2048;

    /// <summary>Feathered overlap between neighbouring tiles.</summary>
    public int Overlap { get; set; } = 32;

    /// <summary>Extra context rendered around each tile and thrown away, so tile borders see real neighbours.</summary>
    public int ContextMargin { get; set; } = 32;

    /// <summary>Largest picture a job may render.</summary>
    public long MaxPixels { get; set; } = 268_402_689;

    /// <summary>Tiles a job keeps in flight on one worker; at least the device's batch size so batches can fill.</summary>
    public int MaxInFlightPerWorker { get; set; } = 16;

    /// <summary>
    /// Bytes of tile windows a job keeps in flight on one worker, which lowers <see cref="MaxInFlightPerWorker"/> for
    /// large windows (at least one stays in flight): each is held until its tile comes back (by the worker, which reads
    /// it from the spool as soon as the tile arrives, or by the coordinator when it sends windows), and a 2048-px
    /// window is 12 MB. Bounds that memory per job and worker.
    /// </summary>
    public int MaxInFlightMegabytesPerWorker { get; set; } = 64;

    /// <summary>
    /// Workers read their tiles' windows from the job's spool instead of receiving them from the coordinator, which
    /// then sends only where to read (a window is up to 16 times its tile: the context margin grows with the stroke
    /// scale). Needs the spool shared by every silo, as the Kubernetes manifests mount it; set false where device
    /// silos cannot reach the coordinators' spool.
    /// </summary>
    public bool WorkersReadSpool { get; set; } = true;

    /// <summary>Tiles of <paramref name="windowBytes"/> each a job keeps in flight on one worker.</summary>
    public int InFlightPerWorker(long windowBytes) =>
        (int)Math.Clamp(((long)MaxInFlightMegabytesPerWorker << 20) / Math.Max(1, windowBytes), 1, MaxInFlightPerWorker);

    /// <summary>Attempts per tile (first try included) before the job fails.</summary>
    public int MaxAttemptsPerTile { get; set; } = 4;

    /// <summary>Failures after which a worker gets no more tiles of the job.</summary>
    public int FailuresBeforeBlocking { get; set; } = 2;

    /// <summary>How long a finished job (and its tiles) stays for callers that re-attach.</summary>
    public TimeSpan KeepFinishedJobsFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Renders the whole farm runs at once, over every gateway and caller, detached ones included; more are refused
    /// with RESOURCE_EXHAUSTED until one ends. Bounds the coordinators' memory and the queue a new job waits behind.
    /// </summary>
    public int MaxActiveRenders { get; set; } = 256;

    /// <summary>How long a worker that reported a full queue is skipped.</summary>
    public TimeSpan OverloadBackoff { get; set; } = TimeSpan.FromMilliseconds(200);
}
