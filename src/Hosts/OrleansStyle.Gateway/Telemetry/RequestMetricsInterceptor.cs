using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansStyle.Gateway.Telemetry;

/// <summary>
/// Counts finished gRPC calls by method and final status (<c>orleansstyle.requests</c>, Triton's request success and
/// failure counts in one). Runs outermost, so it sees the status the caller sees, after errors are mapped.
/// </summary>
public sealed class RequestMetricsInterceptor : Interceptor
{
    public const string MeterName = "OrleansStyle.Gateway";

    private readonly Counter<long> _requests;

    public RequestMetricsInterceptor(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        // The factory owns the meter (one per name) and disposes it with the host.
        _requests = meters.Create(MeterName).CreateCounter<long>("orleansstyle.requests", "{request}", "gRPC calls that ended, by method and status (OK, CANCELLED, ...).");
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        await Count(context, () => continuation(request, context));

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        await Count(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        Count(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        Count(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<T> Count<T>(ServerCallContext context, Func<Task<T>> call)
    {
        // Probes and reflection are not requests.
        if (context.Method.StartsWith("/grpc.", StringComparison.Ordinal))
        {
            return await call();
        }

        var status = StatusCode.Unknown;
        try
        {
            var result = await call();
            status = context.Status.StatusCode;
            return result;
        }
        catch (RpcException failure)
        {
            status = failure.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            _requests.Add(1, new KeyValuePair<string, object?>("method", context.Method.TrimStart('/')), new KeyValuePair<string, object?>("status", Name(status)));
        }
    }

    /// <summary>The names gRPC's documentation uses (DEADLINE_EXCEEDED), as Prometheus label values.</summary>
    private static string Name(StatusCode status) => status switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
