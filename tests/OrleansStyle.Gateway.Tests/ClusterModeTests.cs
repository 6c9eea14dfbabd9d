using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Hosting;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>The gateway as only an Orleans client of a separate silo (what <c>serve --cluster</c> does), over TLS.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ClusterModeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-gateway-tls-").FullName;

    [Fact]
    public async Task A_gateway_that_is_a_cluster_client_serves_renders_over_tls()
    {
        await using var farm = await EmbeddedFarm.StartAsync(
            devices: d =>
            {
                d.Devices = ["cpu"];
                d.CpuThreads = 1;
            },
            models: m => m.Directory = GatewayFixtures.ModelDirectory,
            jobs: j => j.TileSize = 256);
        var siloGateway = farm.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort;
        var certificate = WriteSelfSignedCertificate();
        using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a client retries a wrong cluster for minutes

        await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions
        {
            ClusterGateways = [new IPEndPoint(IPAddress.Loopback, siloGateway)],
            CertificatePath = certificate,
            CertificatePassword = "test",
            Models = m => m.Directory = GatewayFixtures.ModelDirectory,
            Gateway = g => g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey },
        }, connecting.Token);

        Assert.Equal("https", gateway.Address.Scheme);
        using var trusted = X509CertificateLoader.LoadPkcs12FromFile(certificate, "test");
        using var handler = new SocketsHttpHandler();
        // The test's own self-signed certificate: trust exactly it.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == trusted.GetCertHashString();
        using var channel = GrpcChannel.ForAddress(gateway.Address, new GrpcChannelOptions { HttpHandler = handler });

        // Keys are required outside the embedded default.
        await RenderCalls.ExpectFailure(
            async () => await new Models.ModelsClient(channel).ListModelsAsync(new ListModelsRequest()), Grpc.Core.StatusCode.Unauthenticated);
        var outcome = await RenderCalls.RenderAsync(
            new Render.RenderClient(channel), RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("storm", 400, 300))));

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        using var inCluster = new MemoryStream();
        await new FarmRenderClient(farm.Grains).AttachAsync(outcome.Accepted.JobId, inCluster);
        Assert.Equal(inCluster.ToArray(), outcome.Result);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var path = Path.Combine(_folder, "gateway.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "test"));
        return path;
    }
}
