using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Limits;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.Security;
using OrleansStyle.Gateway.Shutdown;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Services;

/// <summary>
/// orleansstyle.v1.Render: header, then image chunks in; the accepted job, progress, result chunks and a summary out.
/// The call's deadline (capped by <see cref="GatewayOptions.MaxStreamDuration"/>) becomes the job's deadline, and
/// ending the call cancels the job unless the header detaches it. A gateway shutting down lets the render finish
/// within its grace period, then ends the call with UNAVAILABLE.
/// </summary>
public sealed class RenderService(
    RenderPlanner planner,
    JobStreamer streamer,
    CallerJobLimiter limiter,
    FarmRenderCap farmCap,
    IGrainFactory grains,
    GatewayDrain drain,
    CallerJobIndex jobIndex,
    IOptions<GatewayOptions> options) : V1.Render.RenderBase
{
    private readonly GatewayOptions _options = options.Value;

    public override async Task Render(IAsyncStreamReader<RenderRequest> requestStream, IServerStreamWriter<RenderEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var started = DateTimeOffset.UtcNow;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drain.GraceOver);
        limit.CancelAfter(_options.MaxStreamDuration);
        var token = limit.Token;

        if (!await requestStream.MoveNext(token) || requestStream.Current.PayloadCase != RenderRequest.PayloadOneofCase.Header)
        {
            throw GatewayErrors.InvalidArgument("header", "the first message of a render must be its RenderHeader.");
        }

        var header = requestStream.Current.Header;
        planner.Validate(header);
        var caller = CallerIdentity.Get(context);
        var callerSlot = limiter.Acquire(caller);
        IDisposable? farmSlot = null;
        var jobId = header.JobId.Length > 0 ? header.JobId : JobIds.New();
        var submitted = false;
        var detached = false;
        try
        {
            var upload = await UploadedImages.ReadAsync(requestStream, header, _options, token);
            var deadline = started + _options.MaxStreamDuration;
            if (context.Deadline < deadline.UtcDateTime)
            {
                deadline = new DateTimeOffset(DateTime.SpecifyKind(context.Deadline, DateTimeKind.Utc));
            }

            var request = await planner.BuildAsync(header, upload, jobId, caller, deadline, token);
            farmSlot = await farmCap.AdmitAsync(jobId, token);
            var status = await streamer.SubmitAsync(request, token);
            submitted = true;
            jobIndex.Add(caller, jobId);
            await responseStream.WriteAsync(new RenderEvent { Accepted = status.ToWire() }, token);
            await streamer.StreamResultAsync(jobId, header.OutputFormat.ToImaging(), responseStream, token, header.PreviewSide);
        }
        catch (Exception) when (token.IsCancellationRequested)
        {
            if (!context.CancellationToken.IsCancellationRequested && drain.GraceOver.IsCancellationRequested)
            {
                throw await InterruptedAsync(jobId, submitted);
            }

            if (submitted && header.DetachOnDisconnect)
            {
                // The job runs on without this call: it keeps its caller's and the farm's slot until it finishes.
                detached = true;
                limiter.HoldUntilFinished(new Slots(callerSlot, farmSlot), grains.GetGrain<IRenderJobGrain>(jobId));
            }
            else if (submitted)
            {
                await grains.GetGrain<IRenderJobGrain>(jobId).Cancel(
                    context.CancellationToken.IsCancellationRequested ? "the caller ended the render call" : "the gateway's stream time limit passed");
            }

            if (!context.CancellationToken.IsCancellationRequested)
            {
                throw GatewayErrors.Build(
                    Google.Rpc.Code.DeadlineExceeded,
                    $"The render took longer than the gateway allows one stream ({_options.MaxStreamDuration}, {GatewayOptions.Section}:MaxStreamDuration); job {jobId} was {(submitted && header.DetachOnDisconnect ? "left running" : "cancelled")}.",
                    "STREAM_TOO_LONG");
            }

            throw;
        }
        finally
        {
            if (!detached)
            {
                farmSlot?.Dispose();
                callerSlot.Dispose();
            }
        }
    }

    /// <summary>The gateway is shutting down and its grace period ran out before the render finished.</summary>
    private async Task<Grpc.Core.RpcException> InterruptedAsync(string jobId, bool submitted)
    {
        if (!submitted)
        {
            return drain.Interrupted("the render had not started: send it again.");
        }

        if (drain.FarmStopsWithGateway)
        {
            // The silo in this process stops next and the job with it: cancelling frees its devices at once.
            await grains.GetGrain<IRenderJobGrain>(jobId).Cancel("the gateway shut down");
            return drain.Interrupted($"job {jobId} was cancelled, as the farm in this gateway stops with it: send the render again.");
        }

        // A real cluster's silos go on, so the job finishes there even if the caller wanted it tied to this call:
        // any gateway can hand over its result, and the caller can still cancel it there.
        return drain.Interrupted($"job {jobId} goes on in the farm: re-attach to it through another gateway (Jobs.AttachJob, `orleans-style jobs attach {jobId}`).");
    }

    private sealed class Slots(IDisposable caller, IDisposable? farm) : IDisposable
    {
        public void Dispose()
        {
            farm?.Dispose();
            caller.Dispose();
        }
    }
}
