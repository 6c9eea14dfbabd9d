using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansStyle.Gateway.Shutdown;

/// <summary>
/// Counts every call in and out of <see cref="GatewayDrain"/>, which refuses new ones with UNAVAILABLE once the
/// gateway is shutting down and waits for the running ones. Health checks are admitted to the end, so probes see
/// NOT_SERVING (<see cref="DrainHealthCheck"/>) rather than a refusal.
/// </summary>
public sealed class DrainInterceptor(GatewayDrain drain) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        try
        {
            return await continuation(request, context);
        }
        finally
        {
            drain.Exit(context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        try
        {
            return await continuation(requestStream, context);
        }
        finally
        {
            drain.Exit(context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            drain.Exit(context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        finally
        {
            drain.Exit(context);
        }
    }

    private void Enter(ServerCallContext context) =>
        drain.Enter(context, holdsDrain: !context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal));
}
