using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace OrleansStyle.Farm.Hosting;

/// <summary>One place that turns <see cref="FarmClusterOptions"/> into Orleans clustering, for silos and for clients.</summary>
public static class FarmClustering
{
    /// <summary>
    /// How often a client re-reads the gateway list from the membership table (Orleans' default: 1 minute). The same
    /// period bounds how long the client shuns a gateway it could not reach (the Redis gateway list's MaxStaleness), and
    /// a client addresses gateways by endpoint alone: a silo killed and started again on its old port was shunned for a
    /// minute although it was back, and a dead one stayed in the list (its connection attempts failing with
    /// ConnectionFailedException) until the next read. Five seconds is one small Redis read per client.
    /// </summary>
    public static readonly TimeSpan GatewayListRefreshPeriod = TimeSpan.FromSeconds(5);

    /// <param name="configureEndpoints">False when something else sets the endpoints (Kubernetes hosting uses the pod's IP).</param>
    public static ISiloBuilder UseFarmClustering(this ISiloBuilder silo, FarmClusterOptions options, bool configureEndpoints = true)
    {
        ArgumentNullException.ThrowIfNull(silo);
        FarmClusterOptionsValidator.Require(options);
        if (options.Membership == FarmMembership.Localhost)
        {
            return silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        silo.UseRedisClustering(options.Redis!);
        silo.UseRedisJobStorage(options.Redis!); // coordinators' state and reminders beside the membership
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        if (configureEndpoints)
        {
            silo.ConfigureEndpoints(options.ResolveAdvertisedAddress(), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
        }

        return silo;
    }

    public static IClientBuilder UseFarmClustering(this IClientBuilder client, FarmClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        FarmClusterOptionsValidator.Require(options);
        if (options.Membership == FarmMembership.Localhost)
        {
            return client.UseLocalhostClustering(options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        client.UseRedisClustering(options.Redis!);
        client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = GatewayListRefreshPeriod);
        return client.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
    }
}
