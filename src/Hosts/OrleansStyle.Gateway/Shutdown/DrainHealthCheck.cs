using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansStyle.Gateway.Shutdown;

/// <summary>Unhealthy (NOT_SERVING) while the gateway drains, so load balancers that probe it stop sending calls.</summary>
public sealed class DrainHealthCheck(GatewayDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("The gateway is shutting down.") : HealthCheckResult.Healthy());
}
