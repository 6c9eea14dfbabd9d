using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Security;

namespace OrleansStyle.Gateway.Limits;

/// <summary>
/// A token bucket per caller (after authentication, so the caller is known): a burst of a minute's allowance, then
/// the configured rate. Refused calls get RESOURCE_EXHAUSTED and cost the farm nothing.
/// </summary>
public sealed class RateLimitInterceptor : Interceptor, IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public RateLimitInterceptor(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = options.Value.RequestsPerMinutePerCaller;
        if (perMinute > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute,
                TokensPerPeriod = Math.Max(1, perMinute / 60),
                ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1.0, 60.0 / perMinute)),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

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

    public void Dispose() => _limiter?.Dispose();

    private void Admit(ServerCallContext context)
    {
        if (_limiter is null || context.Method.StartsWith("/grpc.health.v1.Health/", StringComparison.Ordinal))
        {
            return;
        }

        var caller = CallerIdentity.Get(context);
        using var lease = _limiter.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            throw GatewayErrors.ResourceExhausted(
                $"{caller} is over its rate limit ({GatewayOptions.Section}:RequestsPerMinutePerCaller); retry in a few seconds.", "RATE_LIMITED");
        }
    }
}
