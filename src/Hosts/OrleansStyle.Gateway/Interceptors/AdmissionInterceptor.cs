using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OrleansStyle.Gateway.Interceptors;

/// <summary>
/// An interceptor that decides, before any handler runs, whether a call may proceed: <see cref="Admit"/> throws an
/// <see cref="RpcException"/> to refuse it. The same check for all four kinds of call.
/// </summary>
public abstract class AdmissionInterceptor : Interceptor
{
    /// <summary>gRPC health checks stay open so orchestrators can probe the gateway.</summary>
    protected static bool IsHealthCheck(ServerCallContext context) =>
        context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }

    /// <summary>Returns to let the call proceed; throws an <see cref="RpcException"/> to refuse it.</summary>
    protected abstract void Admit(ServerCallContext context);
}
