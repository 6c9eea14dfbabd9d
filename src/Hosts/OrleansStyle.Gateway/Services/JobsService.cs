using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.Security;
using OrleansStyle.Gateway.Shutdown;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Services;

/// <summary>orleansstyle.v1.Jobs: status, re-attaching (a finished job keeps its tiles a while) and cancelling by id.</summary>
public sealed class JobsService(IGrainFactory grains, JobStreamer streamer, GatewayDrain drain, CallerJobIndex jobIndex, IOptions<GatewayOptions> options) : V1.Jobs.JobsBase
{
    private readonly GatewayOptions _options = options.Value;

    public override async Task<JobInfo> GetJob(GetJobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await StatusOf(request.JobId, context)).ToWire();
    }

    public override async Task AttachJob(AttachJobRequest request, IServerStreamWriter<RenderEvent> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!request.OutputFormat.IsKnown())
        {
            throw GatewayErrors.InvalidArgument("output_format", $"unknown output format {request.OutputFormat}.");
        }

        if (request.PreviewSide != 0 && request.PreviewSide is < PreviewCanvas.MinSide or > PreviewCanvas.MaxSide)
        {
            throw GatewayErrors.InvalidArgument("preview_side", $"use 0 (no previews) or {PreviewCanvas.MinSide}–{PreviewCanvas.MaxSide}.");
        }

        await StatusOf(request.JobId, context);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, drain.GraceOver);
        limit.CancelAfter(_options.MaxStreamDuration);
        try
        {
            // Attaching only watches: ending this call never cancels the job.
            await streamer.StreamResultAsync(request.JobId, request.OutputFormat.ToImaging(), responseStream, limit.Token, request.PreviewSide);
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested && drain.GraceOver.IsCancellationRequested)
        {
            throw drain.Interrupted(drain.FarmStopsWithGateway
                ? $"job {request.JobId} stops with the farm in this gateway: send the render again."
                : $"job {request.JobId} goes on in the farm: attach to it again through another gateway.");
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw GatewayErrors.Build(
                Google.Rpc.Code.DeadlineExceeded,
                $"Attaching took longer than the gateway allows one stream ({_options.MaxStreamDuration}); the job goes on: attach again.",
                "STREAM_TOO_LONG");
        }
    }

    public override async Task<JobInfo> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await StatusOf(request.JobId, context);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "cancelled through the gateway" : request.Reason[..Math.Min(request.Reason.Length, 500)];
        return (await grains.GetGrain<IRenderJobGrain>(request.JobId).Cancel(reason)).ToWire();
    }

    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var caller = CallerIdentity.Get(context);
        var ids = jobIndex.Of(caller);
        var statuses = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IRenderJobGrain>(id).GetStatus();
            }
            catch (InvalidJobException)
            {
                return null; // expired: the farm no longer keeps it
            }
        }));
        var response = new ListJobsResponse();
        response.Jobs.AddRange(statuses.Where(status => status is not null && status.Caller == caller).Select(status => status!.ToWire()));
        return response;
    }

    private Task<JobStatus> StatusOf(string jobId, ServerCallContext context) => CallerOwnership.RequireOwnAsync(
        context,
        jobId,
        async () =>
        {
            try
            {
                return await grains.GetGrain<IRenderJobGrain>(jobId).GetStatus();
            }
            catch (InvalidJobException)
            {
                return null; // a coordinator that was never submitted to (or has expired) knows no job
            }
        },
        status => status.Caller,
        "job",
        "JOB_NOT_FOUND");
}
