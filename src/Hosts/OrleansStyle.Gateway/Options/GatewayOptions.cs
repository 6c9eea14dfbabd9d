namespace OrleansStyle.Gateway.Options;

/// <summary>
/// Limits and security of the gRPC gateway. Bound from <c>OrleansStyle:Gateway</c>. Streaming calls lift Kestrel's
/// request body limits, so every limit here is enforced by the gateway's own code.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "OrleansStyle:Gateway";

    /// <summary>The largest message a client may send: one image chunk of at most 1 MiB plus framing.</summary>
    public const int MaxChunkBytes = 1 << 20;

    /// <summary>The longest <see cref="ShutdownGrace"/>: an hour of draining is already more than an orchestrator waits.</summary>
    public static readonly TimeSpan MaxShutdownGrace = TimeSpan.FromHours(1);

    /// <summary>Bytes of all images of one render together (content, style images, masks).</summary>
    public long MaxUploadBytes { get; set; } = 256L << 20;

    /// <summary>Largest image, in megapixels, that the gateway decodes (content, style images and masks each).</summary>
    public double MaxMegapixels { get; set; } = 64;

    /// <summary>How long one render or attach stream may last, whatever deadline the caller gives.</summary>
    public TimeSpan MaxStreamDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// On SIGTERM or Ctrl+C, how long running calls get to finish while new ones are refused; what still runs after
    /// it ends with UNAVAILABLE. Kubernetes' terminationGracePeriodSeconds must exceed it (see k8s/gateway.yaml).
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Render calls one caller may have open at once.</summary>
    public int MaxConcurrentJobsPerCaller { get; set; } = 4;

    /// <summary>Calls one caller may start per minute (a token bucket); 0 turns rate limiting off.</summary>
    public int RequestsPerMinutePerCaller { get; set; } = 600;

    /// <summary>Callers must send an <c>x-api-key</c> header with one of <see cref="ApiKeys"/>.</summary>
    public bool RequireApiKey { get; set; } = true;

    /// <summary>Caller name → key. The name is what logs and per-caller limits use.</summary>
    public Dictionary<string, string> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Callers may change what the farm keeps: upload and delete models and style images, and train models
    /// (Models.UploadModel/DeleteModel, Styles.UploadStyle/DeleteStyle, Training.StartTraining).
    /// </summary>
    public bool AllowModelChanges { get; set; }

    /// <summary>Largest model file an upload may write.</summary>
    public long MaxModelBytes { get; set; } = 512L << 20;

    /// <summary>Folder of the style library (PNG, JPEG and WebP files named by style); a shared volume in a cluster.</summary>
    public string StyleDirectory { get; set; } = "styles";

    /// <summary>Folder of the clip library (MP4, MKV, WebM and MOV files named by clip), which Video.Render may name instead of uploading.</summary>
    public string ClipDirectory { get; set; } = "clips";

    /// <summary>
    /// Where video jobs keep their uploaded clip and encoded result while they run (one folder per job, deleted when the
    /// result has been streamed, or 10 minutes after the job ended when nobody re-attached).
    /// </summary>
    public string VideoWorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "orleans-style", "gateway-video");

    /// <summary>Largest style image an upload may write.</summary>
    public long MaxStyleBytes { get; set; } = 32L << 20;

    /// <summary>Bytes of encoded result per <c>ResultChunk</c> (at most 1 MiB).</summary>
    public int ResultChunkBytes { get; set; } = 512 << 10;

    /// <summary>Serve gRPC-Web (browsers, the studio) as well, over HTTP/1.1 or HTTP/2.</summary>
    public bool EnableGrpcWeb { get; set; } = true;

    /// <summary>Serve the browser studio at <c>/</c> (its calls are gRPC-Web, so it needs <see cref="EnableGrpcWeb"/>).</summary>
    public bool EnableStudio { get; set; } = true;

    /// <summary>Serve gRPC server reflection (grpcurl, Postman) describing the API.</summary>
    public bool EnableReflection { get; set; } = true;

    public long MaxPixels => (long)Math.Round(MaxMegapixels * 1_000_000);
}
