using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.Tests.Chromium;
using OrleansStyle.Gateway.Telemetry;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// What Prometheus, Grafana and the autoscaler read: <c>/metrics</c> of a real silo process and a real gateway, over
/// HTTP/1.1 (as Prometheus scrapes) on the telemetry listener; and the dashboard's door.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed partial class TelemetryTests : IClassFixture<RedisServer>
{
    private readonly RedisServer _redis;

    public TelemetryTests(RedisServer redis) => _redis = redis;

    [Fact]
    public async Task After_a_render_every_metric_the_dashboard_and_the_autoscalers_query_is_on_the_gateway_or_the_silo()
    {
        var clusterId = $"metrics-{Guid.NewGuid():N}";
        var siloMetrics = new Uri($"http://127.0.0.1:{RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}/metrics");
        await using var silo = ProgramProcess.Silo([
            "--OrleansStyle:Cluster:Membership=Redis",
            $"--OrleansStyle:Cluster:Redis={_redis.ConnectionString}",
            $"--OrleansStyle:Cluster:ClusterId={clusterId}",
            "--OrleansStyle:Cluster:AdvertisedAddress=127.0.0.1",
            $"--OrleansStyle:Cluster:SiloPort={RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}",
            $"--OrleansStyle:Cluster:GatewayPort={RedisServer.FreePort().ToString(CultureInfo.InvariantCulture)}",
            "--OrleansStyle:Devices:Devices:0=cpu",
            "--OrleansStyle:Devices:CpuThreads=1",
            $"--OrleansStyle:Models:Directory={GatewayFixtures.ModelDirectory}",
            $"--OrleansStyle:Telemetry:Port={siloMetrics.Port.ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning"]);
        using var http = Http11();

        // The silo serves /metrics once it has joined the cluster (Orleans starts before Kestrel).
        await Eventually.Until(() => Scrape(http, siloMetrics), text => text.Contains("orleansstyle_queue_capacity", StringComparison.Ordinal) || silo.HasExited,
            "the silo's /metrics", TimeSpan.FromSeconds(90));
        Assert.False(silo.HasExited, silo.Output);

        await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions
        {
            RedisMembership = _redis.ConnectionString,
            ClusterId = clusterId,
            Models = m => m.Directory = GatewayFixtures.ModelDirectory,
            Gateway = g => g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey },
        });
        var gatewayMetrics = new Uri(gateway.Services.GetRequiredService<TelemetryEndpoint>().Address!, "/metrics");
        Assert.NotEqual(gateway.Address.Port, gatewayMetrics.Port);

        using var channel = GrpcChannel.ForAddress(gateway.Address);
        var header = RenderCalls.MultiHeader();
        header.TileSize = 128;
        var outcome = await RenderCalls.RenderAsync(
            new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 256, 192))));
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);

        var siloText = await Eventually.Until(
            () => Scrape(http, siloMetrics),
            text => Sample(text, "orleansstyle_jobs_finished_total") > 0,
            "the silo to count the finished job");
        var gatewayText = await Eventually.Until(
            () => Scrape(http, gatewayMetrics),
            text => Sample(text, "orleansstyle_requests_total", "status=\"OK\"") > 0,
            "the gateway to count the render call");

        // Histograms with observations: queue and compute time of every tile the render sent.
        Assert.True(Sample(siloText, "orleansstyle_queue_duration_seconds_count") >= outcome.Summary.Job.TilesTotal, siloText);
        Assert.True(Sample(siloText, "orleansstyle_compute_duration_seconds_count") > 0, siloText);
        Assert.True(Sample(siloText, "orleansstyle_tiles_total", "status=\"rendered\"") >= outcome.Summary.Job.TilesTotal, siloText);
        Assert.True(Sample(siloText, "orleansstyle_model_loads_total") >= 1, siloText);

        // The farm's meter is the silo's; request counts are the gateway's; both have Orleans', ASP.NET Core's and the runtime's.
        var onSilo = SeriesNames(siloText);
        var onGateway = SeriesNames(gatewayText);
        // (The gateway runs in this test process, whose other gateways' silos add farm meters to its /metrics; the silo is a process of its own.)
        Assert.DoesNotContain("orleansstyle_requests_total", onSilo);
        foreach (var names in new[] { onSilo, onGateway })
        {
            Assert.Contains(names, n => n.StartsWith("orleans_", StringComparison.Ordinal));
            Assert.Contains(names, n => n.StartsWith("dotnet_", StringComparison.Ordinal));
            Assert.Contains("http_server_request_duration_seconds_count", names);
        }

        var used = ManifestTests.MetricsTheManifestsUse();
        Assert.Contains("orleansstyle_queue_depth", used);
        Assert.All(used, name => Assert.True(onSilo.Contains(name) || onGateway.Contains(name), $"{name}: queried by k8s/ but on neither /metrics"));
        Assert.All(
            used.Where(n => n.StartsWith("orleansstyle_", StringComparison.Ordinal) && n != "orleansstyle_requests_total"),
            name => Assert.True(onSilo.Contains(name), $"{name}: a farm metric k8s/ queries, missing on the silo's /metrics"));
    }

    [Fact]
    public async Task The_dashboard_answers_on_the_telemetry_port_only_with_an_api_key()
    {
        await using var gateway = await StartKeyedGatewayAsync();
        var telemetry = gateway.Services.GetRequiredService<TelemetryEndpoint>().Address!;
        var dashboard = new Uri(telemetry, "/dashboard/");
        using var http = Http11();

        using var anonymous = await http.GetAsync(dashboard);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = await http.SendAsync(WithBasicKey(dashboard, "not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var page = await http.SendAsync(WithBasicKey(dashboard, GatewayServer.ApiKey));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpVersion.Version11, page.Version);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // Prometheus needs no key for /metrics, which also lives only on the telemetry port.
        using var metrics = await http.GetAsync(new Uri(telemetry, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("dotnet_process_memory_working_set_bytes", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_opens_in_a_real_browser_with_the_api_key_as_its_password()
    {
        await using var gateway = await StartKeyedGatewayAsync();
        var telemetry = gateway.Services.GetRequiredService<TelemetryEndpoint>().Address!;

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var token = limit.Token;
        await using var chromium = await HeadlessChromium.StartAsync(token);
        await using var page = await chromium.OpenPageAsync(token);
        var dashboard = new Uri(telemetry, "/dashboard/");
        await page.NavigateAsync(dashboard, token);
        var refused = (await page.EvaluateAsync("document.documentElement.outerHTML", token)).GetString();
        await page.NavigateAsync(new UriBuilder(dashboard) { UserName = "me", Password = GatewayServer.ApiKey }.Uri, token);
        var opened = await Eventually.Until(
            async () => (await page.EvaluateAsync("document.documentElement.outerHTML", token)).GetString() ?? "",
            html => html.Contains("DashboardGrain", StringComparison.Ordinal),
            "the dashboard's grain statistics in the page",
            TimeSpan.FromSeconds(90));

        Assert.DoesNotContain("Orleans Dashboard", refused, StringComparison.Ordinal); // the 401 shows nothing of the dashboard
        // The page's own API calls (silos, grain statistics) went through with the browser's remembered credentials.
        Assert.Contains("Orleans Dashboard", opened, StringComparison.Ordinal);
        Assert.Contains("DashboardGrain", opened, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_is_one_trace_from_the_callers_span_through_the_coordinator_to_each_tile_on_its_worker()
    {
        await using var gateway = await GatewayHost.StartAsync(new GatewayHostOptions
        {
            Models = m => m.Directory = GatewayFixtures.ModelDirectory,
            Devices = d => d.Devices = ["sim:0", "sim:1"],
            Gateway = g => g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey },
        });
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) || source.Name == "Microsoft.AspNetCore",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        using var source = new System.Diagnostics.ActivitySource("OrleansStyle.Tests");
        using var sourceListener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(sourceListener);

        using var channel = GrpcChannel.ForAddress(gateway.Address);
        var header = RenderCalls.MultiHeader();
        header.TileSize = 128;
        System.Diagnostics.ActivityTraceId trace;
        RenderOutcome outcome;
        using (var caller = source.StartActivity("render")!)
        {
            trace = caller.TraceId;
            outcome = await RenderCalls.RenderAsync(
                new Render.RenderClient(channel), header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("yellow_flower", 256, 192))));
        }

        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
        var tiles = await Eventually.Until(
            () => spans.Where(s => s.TraceId == trace && s.DisplayName.Contains("IDeviceWorkerGrain", StringComparison.Ordinal)).Select(s => s.DisplayName).ToList(),
            names => names.Count >= outcome.Summary.Job.TilesTotal,
            "a worker span in the caller's trace for every tile");
        var names = spans.Where(s => s.TraceId == trace).Select(s => s.DisplayName).ToHashSet();
        Assert.Contains(names, n => n.Contains("IRenderJobGrain", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.TraceId == trace && s.Source.Name == "Microsoft.AspNetCore"); // the gateway's server span
        Assert.True(tiles.Count >= outcome.Summary.Job.TilesTotal, string.Join(", ", names));
    }

    [Theory]
    [InlineData(70000, null, "grpc", "Port is 70000")]
    [InlineData(0, "localhost:4317", "grpc", "OtlpEndpoint is 'localhost:4317'")]
    [InlineData(0, "http://collector:4318", "http", "OtlpProtocol is 'http'")]
    public void Bad_telemetry_settings_are_refused_with_the_setting_to_fix(int port, string? endpoint, string protocol, string problem)
    {
        var options = new Farm.Telemetry.TelemetryOptions
        {
            Port = port,
            OtlpEndpoint = endpoint is null ? null : new Uri(endpoint, UriKind.RelativeOrAbsolute),
            OtlpProtocol = protocol,
        };

        var result = new Farm.Telemetry.TelemetryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"OrleansStyle:Telemetry:{problem}", result.FailureMessage, StringComparison.Ordinal);
    }

    private static HttpClient Http11() => new()
    {
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private static HttpRequestMessage WithBasicKey(Uri address, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"browser:{key}")));
        return request;
    }

    private static async Task<string> Scrape(HttpClient http, Uri address)
    {
        try
        {
            using var response = await http.GetAsync(address);
            Assert.Equal(HttpVersion.Version11, response.Version);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException refused)
        {
            return refused.Message; // not listening yet
        }
    }

    /// <summary>Series names of a Prometheus text exposition.</summary>
    private static HashSet<string> SeriesNames(string exposition) =>
    [
        .. exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line[..line.IndexOfAny(['{', ' '])]),
    ];

    /// <summary>The sum of a series' samples whose labels contain <paramref name="label"/>.</summary>
    private static double Sample(string exposition, string name, string label = "") =>
        exposition.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' ' && line.Contains(label, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') is >= 0 and var close ? close + 1 : name.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    /// <summary>A gateway with a simulated device that requires <see cref="GatewayServer.ApiKey"/>.</summary>
    private static Task<GatewayHost> StartKeyedGatewayAsync() => GatewayHost.StartAsync(new GatewayHostOptions
    {
        Models = m => m.Directory = GatewayFixtures.ModelDirectory,
        Devices = d => d.Devices = ["sim:0"],
        Gateway = g =>
        {
            g.RequireApiKey = true;
            g.ApiKeys = new() { [GatewayServer.Caller] = GatewayServer.ApiKey };
        },
    });
}
