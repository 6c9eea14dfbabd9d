using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// One real gateway for the test run: Kestrel on a free loopback port with a silo in the same process (one CPU
/// worker), API keys required, and a real gRPC client channel to it.
/// </summary>
public sealed class GatewayServer : IAsyncLifetime
{
    public const string Caller = "tests";
    public const string ApiKey = "tests-key-0123456789abcdef";

    /// <summary>A second caller, to check that jobs are private to their caller.</summary>
    public const string OtherApiKey = "other-key-0123456789abcdef";
    public const long MaxUploadBytes = 32L << 20;

    private readonly int? _requestsPerMinute;
    private readonly int? _maxActiveRenders;
    private GatewayHost? _host;
    private GrpcChannel? _channel;

    public GatewayServer()
    {
    }

    /// <summary>A gateway of its own with another rate limit (0: none), for tests that send thousands of calls.</summary>
    internal GatewayServer(int requestsPerMinute) => _requestsPerMinute = requestsPerMinute;

    /// <summary>A gateway of its own whose farm runs at most <paramref name="maxActiveRenders"/> renders at once.</summary>
    internal GatewayServer(int? requestsPerMinute, int maxActiveRenders)
    {
        _requestsPerMinute = requestsPerMinute;
        _maxActiveRenders = maxActiveRenders;
    }

    public GatewayHost Host => _host ?? throw new InvalidOperationException("The gateway has not started.");

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("The gateway has not started.");

    public Render.RenderClient Render => new(Channel);

    public Jobs.JobsClient Jobs => new(Channel);

    public Models.ModelsClient Models => new(Channel);

    public Styles.StylesClient Styles => new(Channel);

    public Training.TrainingClient Training => new(Channel);

    /// <summary>The style library's folder (empty at the start of the run).</summary>
    public string StyleDirectory { get; } = Directory.CreateTempSubdirectory("orleansstyle-gateway-styles-").FullName;

    /// <summary>The embedded silo's training photos: two small photos.</summary>
    public string TrainingDirectory { get; } = Directory.CreateTempSubdirectory("orleansstyle-gateway-training-").FullName;

    /// <summary>The gateway's video job folders (uploaded clips, results).</summary>
    public string VideoDirectory { get; } = Directory.CreateTempSubdirectory("orleansstyle-gateway-video-").FullName;

    public V1.Video.VideoClient Video => new(Channel);

    public IGrainFactory Grains => Host.Grains;

    public static Metadata Key => new() { { "x-api-key", ApiKey } };

    public static Metadata OtherKey => new() { { "x-api-key", OtherApiKey } };

    public async Task InitializeAsync()
    {
        foreach (var photo in new[] { "yellow_flower", "ladybird" })
        {
            await File.WriteAllBytesAsync(Path.Combine(TrainingDirectory, photo + ".png"), GatewayFixtures.Encode(GatewayFixtures.Photo(photo, 160, 120)));
        }

        _host = await GatewayHost.StartAsync(new GatewayHostOptions
        {
            Devices = devices =>
            {
                devices.Devices = ["cpu"];
                devices.CpuThreads = 1; // the test machine is shared; one core for Torch is plenty for tiny models
            },
            Models = models => models.Directory = GatewayFixtures.ModelDirectory,
            Jobs = jobs =>
            {
                jobs.TileSize = 256;
                jobs.Overlap = 32;
                jobs.ContextMargin = 32;
                jobs.MaxActiveRenders = _maxActiveRenders ?? jobs.MaxActiveRenders;
            },
            Gateway = gateway =>
            {
                gateway.RequireApiKey = true;
                gateway.ApiKeys = new(StringComparer.Ordinal) { [Caller] = ApiKey, ["other"] = OtherApiKey };
                gateway.MaxUploadBytes = MaxUploadBytes;
                gateway.AllowModelChanges = true;
                gateway.StyleDirectory = StyleDirectory;
                gateway.VideoWorkDirectory = Path.Combine(VideoDirectory, "work");
                gateway.ClipDirectory = Path.Combine(VideoDirectory, "clips");
                gateway.RequestsPerMinutePerCaller = _requestsPerMinute ?? gateway.RequestsPerMinutePerCaller;
            },
            Training = training =>
            {
                training.ContentDirectory = TrainingDirectory;
                training.StepsPerSlice = 1; // tiles get the device between every step
                training.ReportInterval = TimeSpan.FromMilliseconds(10);
            },
        });
        _channel = GrpcChannel.ForAddress(_host.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 2 << 20 });
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(StyleDirectory, recursive: true);
        Directory.Delete(TrainingDirectory, recursive: true);
        Directory.Delete(VideoDirectory, recursive: true);
    }

    /// <summary>The device workers of the embedded silo, to see whether they are busy.</summary>
    public async Task<IReadOnlyList<WorkerLoad>> WorkerLoads()
    {
        var directory = Host.Services.GetRequiredService<WorkerDirectory>();
        var loads = new List<WorkerLoad>();
        foreach (var worker in directory.ActiveWorkers())
        {
            loads.Add(await Grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad());
        }

        return loads;
    }
}
