using System.Threading.RateLimiting;
using Grpc.Core;
using OrleansStyle.Gateway.Interceptors;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Security;

namespace OrleansStyle.Gateway.Limits;

/// <summary>
/// A token bucket per caller (after authentication, so the caller is known): a burst of a minute's allowance, then
/// the configured rate. Refused calls get RESOURCE_EXHAUSTED and cost the farm nothing.
/// </summary>
public sealed class RateLimitInterceptor : AdmissionInterceptor, IDisposable
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

    public void Dispose() => _limiter?.Dispose();

    protected override void Admit(ServerCallContext context)
    {
        if (_limiter is null || IsHealthCheck(context))
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
