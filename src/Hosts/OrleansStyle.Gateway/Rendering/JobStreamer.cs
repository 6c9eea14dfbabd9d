using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using ImagingFormat = OrleansStyle.Imaging.OutputFormat;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// The gateway's side of a farm job: hands the job and its picture to the coordinator grain, then assembles the
/// tiles it streams back (the farm client's own assembly, so the bytes equal an in-process render) and sends the
/// encoded result, progress and a summary down a gRPC response stream.
/// </summary>
public sealed partial class JobStreamer(IGrainFactory grains, IOptions<GatewayOptions> options, ILogger<JobStreamer> logger)
{
    /// <summary>Events waiting for the response stream: a few chunks, so a slow client soon slows the assembly.</summary>
    private const int PendingEvents = 8;

    private readonly GatewayOptions _options = options.Value;

    /// <summary>
    /// Submits the job (or finds the one with this id) and sends its picture, as the farm client does; a job whose
    /// picture cannot be sent completely is cancelled.
    /// </summary>
    public async Task<JobStatus> SubmitAsync(FarmRenderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = await new FarmRenderClient(grains).SubmitAsync(request, cancellationToken);
        LogSubmitted(logger, request.JobId, request.Caller ?? "", request.Content.Width, request.Content.Height, status.TilesTotal);
        return status;
    }

    /// <summary>
    /// Streams the job's progress, its encoded result in chunks and a summary. Throws <see cref="FarmJobFailedException"/>
    /// when the job fails or is cancelled; ending the call only stops the streaming, never the job.
    /// </summary>
    public async Task<JobStatus> StreamResultAsync(
        string jobId, ImagingFormat format, IServerStreamWriter<RenderEvent> writer, CancellationToken cancellationToken, int previewSide = 0)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var clock = Stopwatch.StartNew();
        var channel = Channel.CreateBounded<RenderEvent>(new BoundedChannelOptions(PendingEvents)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var pump = PumpAsync(channel, writer);
        var result = new ResultChunkStream(channel.Writer, _options.ResultChunkBytes);
        var progress = new InlineProgress<JobStatus>(status =>
            channel.Writer.TryWrite(new RenderEvent { Progress = status.ToProgress(status.IsFinished ? RenderStage.Encoding : RenderStage.Rendering) }));
        using var stopPreviews = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var previews = previewSide > 0 ? PreviewsAsync(jobId, previewSide, channel.Writer, stopPreviews.Token) : Task.CompletedTask;
        try
        {
            var status = await new FarmRenderClient(grains).AttachAsync(jobId, result, format, progress, cancellationToken);
            await previews; // the job has finished, so its watch ends by itself: no preview can follow the summary
            await result.CompleteAsync(cancellationToken);
            await channel.Writer.WriteAsync(
                new RenderEvent
                {
                    Summary = new RenderSummary
                    {
                        Job = status.ToWire(),
                        Format = format.ToWire(),
                        MediaType = ImageWriter.MediaType(format),
                        ResultBytes = result.Length,
                        Elapsed = Duration.FromTimeSpan(clock.Elapsed),
                    },
                },
                cancellationToken);
            channel.Writer.TryComplete();
            await pump;
            return status;
        }
        catch (Exception)
        {
            // Never leave the pump (or the previews) writing after the handler returns; a dead response stream is the real cause.
            await stopPreviews.CancelAsync();
            await previews;
            channel.Writer.TryComplete();
            try
            {
                await pump;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            throw;
        }
    }

    /// <summary>
    /// Watches the job's tiles a second time, painting them into a small canvas, and offers a PNG preview each time
    /// another tenth of the tiles is done. Previews are best effort: dropped when the stream is busy, never an error.
    /// </summary>
    private async Task PreviewsAsync(string jobId, int previewSide, ChannelWriter<RenderEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            PreviewCanvas? canvas = null;
            var nextStep = 1;
            await foreach (var item in grains.GetGrain<IRenderJobGrain>(jobId).Watch(0, cancellationToken).WithCancellation(cancellationToken))
            {
                if (item is not TileRendered tile)
                {
                    break;
                }

                var progress = tile.Progress;
                canvas ??= new PreviewCanvas(progress.Width, progress.Height, previewSide);
                canvas.Paint(tile.Rect, tile.Pixels);
                if (progress.TilesDone * 10 >= nextStep * progress.TilesTotal)
                {
                    nextStep = (progress.TilesDone * 10 / progress.TilesTotal) + 1;
                    events.TryWrite(new RenderEvent
                    {
                        Preview = new Preview
                        {
                            Width = canvas.Width,
                            Height = canvas.Height,
                            TilesDone = progress.TilesDone,
                            TilesTotal = progress.TilesTotal,
                            Png = Google.Protobuf.ByteString.CopyFrom(canvas.EncodePng()),
                        },
                    });
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogPreviewsStopped(logger, jobId, exception.GetType().Name);
        }
    }

    private static async Task PumpAsync(Channel<RenderEvent> channel, IServerStreamWriter<RenderEvent> writer)
    {
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync())
            {
                await writer.WriteAsync(item);
            }
        }
        catch (Exception exception)
        {
            // Unblocks an assembler waiting for room, with the reason the stream died.
            channel.Writer.TryComplete(exception);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: previews stopped ({Reason})")]
    private static partial void LogPreviewsStopped(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} from {Caller}: {Width}×{Height}, {Tiles} tiles")]
    private static partial void LogSubmitted(ILogger logger, string jobId, string caller, int width, int height, int tiles);
}
