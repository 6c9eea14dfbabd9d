using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Tiling;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// Feeds a render to the farm and assembles the result: submits the spec (with a thumbnail for frozen
/// statistics), sends the picture in bands of at most <see cref="BandBytes"/>, and writes the tiles it is sent
/// into a <see cref="MosaicAssembler"/> as they finish. If the event stream breaks (the coordinator's silo died and
/// the job is being re-activated elsewhere) it re-subscribes where it stopped, with a back-off, for as long as
/// <see cref="ReconnectPatience"/> passes without an event; cancelling the call cancels the job.
/// </summary>
public sealed class FarmRenderClient(IGrainFactory grains)
{
    /// <summary>Bytes of picture per message: far below Orleans' message cap, small enough to interleave.</summary>
    public const int BandBytes = 4 << 20;

    /// <summary>How long the watch keeps re-subscribing without receiving an event before it gives up.</summary>
    public static readonly TimeSpan ReconnectPatience = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public async Task<JobStatus> RenderAsync(
        FarmRenderRequest request, Stream destination, OutputFormat format = OutputFormat.Png,
        IProgress<JobStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = grains.GetGrain<IRenderJobGrain>(request.JobId);
        var status = await SubmitAsync(request, cancellationToken);
        using var assembler = MosaicAssembler.ToStream(
            TileLayout.Plan(status.Width, status.Height, status.TileSize, status.Overlap), destination, format);
        try
        {
            status = await Collect(job, assembler, destination, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await job.Cancel("the caller cancelled");
            throw;
        }

        if (status.State != JobState.Completed)
        {
            throw new FarmJobFailedException(status);
        }

        assembler.Complete();
        return status;
    }

    /// <summary>
    /// Submits the job (or finds the one with this id) and sends its picture in bands, without waiting for the
    /// result (watch it with <see cref="AttachAsync"/>). When the farm cannot be reached part-way (the coordinator's
    /// silo died before or while the picture arrived) it submits again under the same id and sends the picture again,
    /// with a back-off, for as long as <see cref="ReconnectPatience"/> passes without success: the same request is the
    /// same job (its fingerprint), bands it already holds are skipped, and one it never persisted is accepted afresh.
    /// A job whose picture cannot be sent for another reason is cancelled: it could never start.
    /// </summary>
    public async Task<JobStatus> SubmitAsync(FarmRenderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var job = grains.GetGrain<IRenderJobGrain>(request.JobId);
        var since = DateTimeOffset.UtcNow;
        var backoff = FirstBackoff;
        while (true)
        {
            var submitted = false;
            try
            {
                var status = await Submit(job, request);
                submitted = true;
                return await SendPicture(job, request.Content, status, cancellationToken);
            }
            catch (Exception exception) when (FarmUnreachable.Is(exception) && !cancellationToken.IsCancellationRequested
                                              && DateTimeOffset.UtcNow - since < ReconnectPatience)
            {
                // Not cancelled: the upload resumes under the same id once the coordinator is back.
            }
            catch (Exception) when (submitted)
            {
                await CancelQuietly(job, "the picture did not arrive completely");
                throw;
            }

            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Re-attaches to a job by id (e.g. after a disconnect) and assembles its result.</summary>
    public async Task<JobStatus> AttachAsync(
        string jobId, Stream destination, OutputFormat format = OutputFormat.Png,
        IProgress<JobStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        var job = grains.GetGrain<IRenderJobGrain>(jobId);
        var status = await StatusAsync(job, cancellationToken);
        using var assembler = MosaicAssembler.ToStream(
            TileLayout.Plan(status.Width, status.Height, status.TileSize, status.Overlap), destination, format);
        status = await Collect(job, assembler, destination, progress, cancellationToken);
        if (status.State != JobState.Completed)
        {
            throw new FarmJobFailedException(status);
        }

        assembler.Complete();
        return status;
    }

    /// <summary>The job's status, asked again with a back-off while the farm cannot be reached (its coordinator re-activating).</summary>
    private static async Task<JobStatus> StatusAsync(IRenderJobGrain job, CancellationToken cancellationToken)
    {
        var since = DateTimeOffset.UtcNow;
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                return await job.GetStatus();
            }
            catch (Exception exception) when (FarmUnreachable.Is(exception) && DateTimeOffset.UtcNow - since < ReconnectPatience)
            {
            }

            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>Cancels a job whose upload failed; a farm that cannot be reached now lets the upload's reminder end it.</summary>
    private static async Task CancelQuietly(IRenderJobGrain job, string reason)
    {
        try
        {
            await job.Cancel(reason);
        }
        catch (Exception exception) when (FarmUnreachable.Is(exception))
        {
        }
    }

    private static Task<JobStatus> Submit(IRenderJobGrain job, FarmRenderRequest request)
    {
        var content = request.Content;
        if (content.Channels != 3 || content.Validate("The picture").Count > 0)
        {
            throw new InvalidJobException($"The picture must be RGB with {content.Width}×{content.Height}×3 bytes.");
        }

        return job.Submit(new RenderJobSpec(request.Model, content.Width, content.Height, request.Regions, content.Thumbnail(request.Options.StatisticsSize))
        {
            Options = request.Options,
            Deadline = request.Deadline,
            Caller = request.Caller,
            Fingerprint = RequestFingerprint.Of(request),
        });
    }

    private static async Task<JobStatus> SendPicture(IRenderJobGrain job, PixelBuffer content, JobStatus status, CancellationToken cancellationToken)
    {
        if (status.State != JobState.Receiving)
        {
            return status; // a resubmitted id whose picture already arrived
        }

        var rowBytes = content.Width * 3;
        var rowsPerBand = Math.Max(1, BandBytes / rowBytes);
        for (var y = 0; y < content.Height; y += rowsPerBand)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(rowsPerBand, content.Height - y);
            var band = new byte[rows * rowBytes];
            Buffer.BlockCopy(content.Data, y * rowBytes, band, 0, band.Length);
            status = await job.AppendSource(new SourceBand(y, new PixelBuffer(content.Width, rows, 3, band)));
        }

        return status;
    }

    /// <summary>
    /// Feeds finished tiles to the assembler, which encodes the rows they complete into <paramref name="destination"/>
    /// synchronously; flushing it asynchronously after each tile lets a destination that streams to a network caller
    /// wait for its reader without holding a thread.
    /// </summary>
    private static async Task<JobStatus> Collect(
        IRenderJobGrain job, MosaicAssembler assembler, Stream destination, IProgress<JobStatus>? progress, CancellationToken cancellationToken)
    {
        var next = 0;
        var backoff = FirstBackoff;
        var lastEvent = DateTimeOffset.UtcNow;
        while (true)
        {
            try
            {
                await foreach (var item in job.Watch(next, cancellationToken).WithCancellation(cancellationToken))
                {
                    next = item.Sequence + 1;
                    lastEvent = DateTimeOffset.UtcNow;
                    backoff = FirstBackoff;
                    switch (item)
                    {
                        case TileRendered tile:
                            assembler.Add(tile.TileIndex, tile.Pixels.Data);
                            await destination.FlushAsync(cancellationToken);
                            progress?.Report(tile.Progress);
                            break;
                        case JobFinished finished:
                            progress?.Report(finished.Status);
                            return finished.Status;
                    }
                }
            }
            catch (Exception exception) when (exception is not (InvalidJobException or JobIdInUseException) && !cancellationToken.IsCancellationRequested
                && DateTimeOffset.UtcNow - lastEvent < ReconnectPatience)
            {
                // The coordinator is unreachable (its silo died, the job is re-activating elsewhere): not an error yet.
                // That includes a cancelled enumeration: Orleans cancels a watch whose activation went (seen in the
                // kill -9 chaos run as a completed job that its caller was told was cancelled).
            }

            if (DateTimeOffset.UtcNow - lastEvent >= ReconnectPatience)
            {
                throw new TimeoutException(
                    $"The event stream of job {job.GetPrimaryKeyString()} gave nothing for {ReconnectPatience.TotalMinutes:F0} minutes of reconnecting; re-attach later by its id.");
            }

            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }
}
