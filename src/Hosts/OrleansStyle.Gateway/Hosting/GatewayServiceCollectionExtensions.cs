using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Health;
using OrleansStyle.Gateway.Limits;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.Security;
using OrleansStyle.Gateway.Shutdown;

namespace OrleansStyle.Gateway.Hosting;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// The gRPC gateway's services: gRPC with its interceptors (errors → status codes, draining on shutdown, API keys,
    /// rate limits), health checks, reflection, options from <c>OrleansStyle:Gateway</c>, and the render pipeline. Needs an
    /// <see cref="IGrainFactory"/>: a co-hosted silo or an Orleans client; call it after configuring Orleans.
    /// </summary>
    public static IServiceCollection AddRenderGateway(
        this IServiceCollection services, IConfiguration? configuration = null, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var gatewayOptions = services.AddOptions<GatewayOptions>();
        var modelOptions = services.AddOptions<ModelRegistryOptions>();
        if (configuration is not null)
        {
            gatewayOptions.Bind(configuration.GetSection(GatewayOptions.Section));
            modelOptions.Bind(configuration.GetSection(ModelRegistryOptions.Section));
        }

        if (configure is not null)
        {
            gatewayOptions.Configure(configure);
        }

        gatewayOptions.ValidateOnStart();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        // A co-hosted silo registers the registry already; a gateway that is only a cluster client reads the same
        // shared model folder itself.
        services.TryAddSingleton<IModelRegistry, DirectoryModelRegistry>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<ModelStore>();
        services.AddSingleton<StyleLibrary>();
        services.AddSingleton<RenderPlanner>();
        services.AddSingleton<Video.ClipLibrary>();
        services.AddSingleton<Video.VideoPlanner>();
        services.AddSingleton<Video.GatewayVideoJobs>();
        services.AddSingleton<JobStreamer>();
        services.AddSingleton<CallerJobLimiter>();
        services.AddSingleton<CallerJobIndex>();
        services.AddSingleton<FarmRenderCap>();
        services.AddSingleton<ErrorMappingInterceptor>();
        services.AddSingleton<ApiKeyInterceptor>();
        services.AddSingleton<RateLimitInterceptor>();
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService(provider => provider.GetRequiredService<GatewayDrain>());
        services.AddSingleton<DrainInterceptor>();

        // The host's stop has to outlast the drain: the grace period, then interrupted calls and leaving the cluster.
        services.AddOptions<HostOptions>().Configure<IOptions<GatewayOptions>>((host, gateway) =>
        {
            var needed = gateway.Value.ShutdownGrace + GatewayDrain.StopAllowance;
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });

        services.AddGrpc(grpc =>
        {
            // Chunks are at most 1 MiB; anything bigger is refused before it is buffered.
            grpc.MaxReceiveMessageSize = GatewayOptions.MaxChunkBytes + (64 << 10);
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<ErrorMappingInterceptor>();
            grpc.Interceptors.Add<DrainInterceptor>();
            grpc.Interceptors.Add<ApiKeyInterceptor>();
            grpc.Interceptors.Add<RateLimitInterceptor>();
        }).AddServiceOptions<Services.BrowserService>(browser => browser.MaxReceiveMessageSize = Services.BrowserService.MaxMessageBytes);
        services.AddGrpcHealthChecks().AddCheck<FarmHealthCheck>("farm").AddCheck<DrainHealthCheck>("drain");
        services.AddGrpcReflection();
        return services;
    }
}
