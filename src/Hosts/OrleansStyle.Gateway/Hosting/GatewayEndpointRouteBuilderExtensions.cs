using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Services;

namespace OrleansStyle.Gateway.Hosting;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the orleansstyle.v1 services, gRPC health checking and (when enabled) reflection. With
    /// <see cref="GatewayOptions.EnableGrpcWeb"/>, call <c>app.UseGrpcWeb()</c> before this.
    /// </summary>
    public static IEndpointRouteBuilder MapRenderGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        var services = new[]
        {
            endpoints.MapGrpcService<RenderService>(),
            endpoints.MapGrpcService<VideoService>(),
            endpoints.MapGrpcService<JobsService>(),
            endpoints.MapGrpcService<ModelsService>(),
            endpoints.MapGrpcService<StylesService>(),
            endpoints.MapGrpcService<TrainingService>(),
            endpoints.MapGrpcService<FarmService>(),
            endpoints.MapGrpcService<BrowserService>(),
            endpoints.MapGrpcHealthChecksService(),
        };
        if (options.EnableGrpcWeb)
        {
            foreach (var service in services)
            {
                service.EnableGrpcWeb();
            }
        }

        if (options.EnableReflection)
        {
            endpoints.MapGrpcReflectionService();
        }

        return endpoints;
    }
}
