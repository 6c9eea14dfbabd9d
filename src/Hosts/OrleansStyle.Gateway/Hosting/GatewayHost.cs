using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ClusterOptions = Orleans.Configuration.ClusterOptions;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Shutdown;
using OrleansStyle.Gateway.Studio;
using OrleansStyle.Gateway.Telemetry;

namespace OrleansStyle.Gateway.Hosting;

/// <summary>
/// A running gateway: Kestrel serving orleansstyle.v1, with either a silo in this process on localhost (the embedded
/// default, what <c>orleans-style serve</c> and the tests run) or an Orleans client of a real cluster.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the gateway listens, with the actual port.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public static async Task<GatewayHost> StartAsync(GatewayHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. options.ConfigurationArgs] });
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.LogLevel);
        var tls = options.CertificatePath is not null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.ListenAddress, options.Port, listen =>
            {
                // Both everywhere: browsers (the studio, gRPC-Web) speak HTTP/1.1 to a cleartext origin, while gRPC
                // clients open cleartext HTTP/2 with prior knowledge; TLS negotiates by ALPN.
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (tls)
                {
                    listen.UseHttps(options.CertificatePath!, options.CertificatePassword);
                }
                else
                {
                    listen.UseHttp2PriorKnowledgeDetection();
                }
            });
        });

        if (options.IsEmbedded)
        {
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(FreePort(), FreePort(), serviceId: options.ServiceId, clusterId: options.ClusterId)
                .AddRenderFarm(builder.Configuration, options.Devices, options.Models, options.Jobs, options.Training, video: options.Video));
        }
        else if (options.RedisMembership is { } redis)
        {
            builder.UseOrleansClient(client => client.UseFarmClustering(
                new FarmClusterOptions { Membership = FarmMembership.Redis, Redis = redis, ClusterId = options.ClusterId, ServiceId = options.ServiceId }));
        }
        else
        {
            builder.UseOrleansClient(client => client
                .UseStaticClustering([.. options.ClusterGateways])
                .Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = options.ClusterId;
                    cluster.ServiceId = options.ServiceId;
                }));
        }

        if (!options.IsEmbedded)
        {
            if (options.Models is not null)
            {
                builder.Services.PostConfigure(options.Models); // the host's explicit choice beats configuration files
            }
        }

        // Keys are required everywhere except the embedded default listening on loopback, where only this machine can call.
        var localOnly = options.IsEmbedded && IPAddress.IsLoopback(options.ListenAddress);
        builder.Services.AddRenderGateway(builder.Configuration, gateway =>
        {
            var configured = builder.Configuration.GetSection(GatewayOptions.Section);
            if (localOnly && configured[nameof(GatewayOptions.RequireApiKey)] is null)
            {
                gateway.RequireApiKey = false;
            }

            // On one's own machine the model folder is one's own; elsewhere changing models is an explicit choice.
            if (localOnly && configured[nameof(GatewayOptions.AllowModelChanges)] is null)
            {
                gateway.AllowModelChanges = true;
            }

            options.Gateway?.Invoke(gateway);
        });
        builder.AddGatewayTelemetry(options);

        var app = builder.Build();
        app.UseStudio();
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.EnableGrpcWeb)
        {
            app.UseGrpcWeb();
        }

        app.MapGatewayTelemetry();
        app.MapRenderGateway();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started without an address.");
        return new GatewayHost(app, new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)));
    }

    /// <summary>How long running calls get to finish once the gateway is shutting down.</summary>
    public TimeSpan ShutdownGrace => _app.Services.GetRequiredService<GatewayDrain>().Grace;

    /// <summary>Calls running now (health checks excluded): what a shutdown waits for.</summary>
    public int RunningCalls => _app.Services.GetRequiredService<GatewayDrain>().RunningCalls;

    /// <summary>
    /// Waits until the gateway is told to stop (<see cref="BeginShutdown"/>, SIGTERM or Ctrl+C through the host's
    /// console lifetime, or <paramref name="cancellationToken"/>), then stops it: the drain, then Kestrel and the
    /// silo or cluster client.
    /// </summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Starts shutting down, as SIGTERM does: new calls are refused and running ones get <see cref="ShutdownGrace"/>.</summary>
    public void BeginShutdown() => _app.Lifetime.StopApplication();

    /// <summary>Ends the grace period now: calls still running end with UNAVAILABLE.</summary>
    public void EndGracePeriod() => _app.Services.GetRequiredService<GatewayDrain>().EndGracePeriod();

    public async ValueTask DisposeAsync()
    {
        try
        {
            // After WaitForShutdownAsync the host has stopped already: a second stop would only stop Orleans twice.
            if (!_app.Lifetime.ApplicationStopped.IsCancellationRequested)
            {
                await _app.StopAsync();
            }
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
