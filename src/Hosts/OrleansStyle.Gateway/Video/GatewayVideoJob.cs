using System.Diagnostics;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;
using OrleansStyle.Imaging;

namespace OrleansStyle.Gateway.Video;

/// <summary>
/// One video job as this gateway runs it, apart from any call: decoding, the farm and encoding go on when the call
/// that started it detaches, and calls that (re-)attach follow its progress, previews and result file.
/// </summary>
public sealed class GatewayVideoJob
{
    private static readonly TimeSpan PreviewEvery = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cancellation = new();
    private readonly Stopwatch _sincePreview = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal GatewayVideoJob(FarmVideoRequest request, string folder, string output, string mediaType, int previewSide)
    {
        Request = request;
        Folder = folder;
        Output = output;
        MediaType = mediaType;
        PreviewSide = previewSide;
    }

    public FarmVideoRequest Request { get; }

    public string JobId => Request.JobId;

    public string Caller => Request.Caller ?? "";

    /// <summary>The job's folder at the gateway (the uploaded clip and the result).</summary>
    public string Folder { get; }

    public string Output { get; }

    public string MediaType { get; }

    public int PreviewSide { get; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public VideoJobStatus? Latest { get; private set; }

    public (int Frame, int Width, int Height, byte[] Png)? Preview { get; private set; }

    /// <summary>Completes when the output is written (or the job failed: the exception says why).</summary>
    public Task<VideoJobStatus> Completion { get; private set; } = Task.FromException<VideoJobStatus>(new InvalidOperationException("not started"));

    /// <summary>A call still follows the job; when none does, a finished job's files are deleted after a while.</summary>
    public bool Detached { get; set; }

    /// <summary>Completes at the next progress, preview or the end.</summary>
    public Task Changed => _changed.Task;

    public void Cancel() => _cancellation.Cancel();

    internal void Start(FarmVideoClient client)
    {
        var progress = new Progress<VideoJobStatus>(Report);
        Completion = Task.Run(() => client.RenderAsync(Request, Output, progress, OnFrame, _cancellation.Token));
        Completion.ContinueWith(_ => Signal(), TaskScheduler.Default);
    }

    private void Report(VideoJobStatus status)
    {
        Latest = status;
        Signal();
    }

    /// <summary>About one low-resolution preview a second (and the first frame), so previews cost little whatever the frame rate.</summary>
    private ValueTask OnFrame(VideoFrameReady frame, CancellationToken cancellationToken)
    {
        if (PreviewSide > 0 && (!_sincePreview.IsRunning || _sincePreview.Elapsed >= PreviewEvery))
        {
            _sincePreview.Restart();
            var small = frame.Pixels.Thumbnail(PreviewSide);
            using var image = SixLabors.ImageSharp.Image.LoadPixelData<SixLabors.ImageSharp.PixelFormats.Rgb24>(small.Data, small.Width, small.Height);
            Preview = (frame.Index, small.Width, small.Height, ImageWriter.Encode(image, OutputFormat.Png));
            Signal();
        }

        return ValueTask.CompletedTask;
    }

    private void Signal()
    {
        var changed = Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        changed.TrySetResult();
    }
}
