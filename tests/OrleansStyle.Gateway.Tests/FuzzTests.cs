using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// Mutated headers and image bytes against the running gateway, bounded in count and time: no call may end INTERNAL or
/// UNKNOWN (a bad input is the caller's, with its status), the gateway keeps serving good renders on its one device,
/// and the managed heap comes back to where it started. A gateway of its own without a rate limit, so the calls reach
/// the checks behind it (and the shared test gateway's callers keep their allowance).
/// </summary>
public sealed class FuzzTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly GatewayServer server = new(requestsPerMinute: 0);

    private const int Calls = 2000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    private static readonly float[] Numbers = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, 0f, 1e-30f, 0.5f, 1f, 3e38f, float.MaxValue, -0f];
    private static readonly int[] Integers = [int.MinValue, -1, 0, 1, 15, 16, 63, 64, 256, 8192, 8193, int.MaxValue];

    [Fact]
    public async Task Mutated_requests_never_fail_internally_and_the_gateway_keeps_serving()
    {
        // A failure names its seed; ORLEANSSTYLE_FUZZ_SEED replays it.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ORLEANSSTYLE_FUZZ_SEED"), out var replay) ? replay : Environment.TickCount;
        var random = new Random(seed);
        var photo = GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 48, 32));
        var painting = GatewayFixtures.Encode(GatewayFixtures.Painting("mondrian", 32, 32));
        await AssertServing();
        var baseline = SettledHeap();

        var codes = new Dictionary<StatusCode, int>();
        var clock = Stopwatch.StartNew();
        var calls = 0;
        for (; calls < Calls && clock.Elapsed < Budget; calls++)
        {
            var (header, chunks, what) = Mutate(random, photo, painting);
            var code = StatusCode.OK;
            try
            {
                await RenderCalls.RenderAsync(server.Render, header, chunks, deadline: DateTime.UtcNow.AddSeconds(30));
            }
            catch (RpcException failure)
            {
                code = failure.StatusCode;
                if (code == StatusCode.Unavailable)
                {
                    output.WriteLine($"call {calls} ({what}): {failure.Status}");
                }

                Assert.True(
                    code is not (StatusCode.Internal or StatusCode.Unknown),
                    $"seed {seed}, call {calls} ({what}): {failure.Status}");
            }

            codes[code] = codes.GetValueOrDefault(code) + 1;
        }

        Assert.True(codes.Count > 2, $"the mutations should reach several outcomes: {string.Join(", ", codes)}");
        Assert.True(codes.GetValueOrDefault(StatusCode.OK) > 0, $"some mutations should still render: {string.Join(", ", codes)}");
        output.WriteLine($"seed {seed}: {calls} calls in {clock.Elapsed.TotalSeconds:F0} s: {string.Join(", ", codes.OrderBy(c => c.Key))}");
        await AssertServing();
        Assert.All(await server.WorkerLoads(), load => Assert.Equal(0, load.Queued));
        var after = SettledHeap();
        Assert.True(after < baseline + (64L << 20), $"managed heap {baseline >> 20} MiB before {calls} calls, {after >> 20} MiB after (seed {seed})");
    }

    private static (RenderHeader Header, List<RenderRequest> Chunks, string What) Mutate(Random random, byte[] photo, byte[] painting)
    {
        var header = RenderCalls.MultiHeader(("style0", Pick(random, Numbers)), ("style1", 1f));
        var what = new List<string>();
        void Maybe(string name, Action change)
        {
            if (random.Next(4) == 0)
            {
                change();
                what.Add(name);
            }
        }

        Maybe("method", () => header.Method = (V1.RenderMethod)Pick(random, [0, 1, 2, 3, -7]));
        Maybe("iterations", () => header.CoarseIterations = header.RefineIterations = Pick(random, [1, 2, -1, 10_001]));
        Maybe("alpha", () => header.Alpha = Pick(random, Numbers));
        Maybe("color", () => header.Color = (ColorMode)Pick(random, [0, 1, 2, 3, 4, 99]));
        Maybe("format", () => header.OutputFormat = (OutputFormat)Pick(random, [0, 1, 2, 3, 4, 42]));
        Maybe("tile", () => header.TileSize = Pick(random, Integers));
        Maybe("overlap", () => header.Overlap = Pick(random, Integers));
        Maybe("max_side", () => header.MaxSide = Pick(random, Integers));
        Maybe("preview", () => header.PreviewSide = Pick(random, Integers));
        Maybe("style_size", () => header.StyleSize = Pick(random, Integers));
        Maybe("job_id", () => header.JobId = Pick(random, ["", "../../etc/passwd", new string('j', 5000), "ok-" + random.Next(), "\0\u202e"]));
        Maybe("model", () => header.Model = Pick(random, ["", "nope", "../multi", new string('m', 10_000), GatewayFixtures.Multi]));
        Maybe("style name", () => header.Regions[0].Styles[0].Name = Pick(random, ["", new string('s', 100_000), "style1", "\ud800"]));
        Maybe("regions", () =>
        {
            var count = Pick(random, [0, 2, 17, 300]);
            header.Regions.Clear();
            for (var r = 0; r < count; r++)
            {
                header.Regions.Add(new Region { Styles = { new StyleWeight { Name = "style0" } }, Mask = random.Next(2) == 0 ? "" : "m" });
            }
        });
        Maybe("upload_bytes", () => header.UploadBytes = Pick(random, [-1L, 0L, 1L << 40]));

        var content = photo;
        Maybe("truncated", () => content = content[..random.Next(content.Length)]);
        Maybe("bit flips", () =>
        {
            content = (byte[])content.Clone();
            for (var i = 0; i < 1 + random.Next(8) && content.Length > 0; i++) // "truncated" may have left nothing
            {
                content[random.Next(content.Length)] ^= (byte)(1 << random.Next(8));
            }
        });
        Maybe("huge dimensions", () => content = CraftedPng.Claiming((uint)Pick(random, [0, 1, 65_535, 100_000, int.MaxValue]), (uint)Pick(random, [0, 1, 3, 100_000])));
        Maybe("random bytes", () =>
        {
            content = new byte[random.Next(1, 4096)];
            random.NextBytes(content);
        });

        var chunks = RenderCalls.Chunks(content).ToList();
        Maybe("style part", () => chunks.AddRange(RenderCalls.Chunks(painting, ImagePart.Style, Pick(random, ["style0", "m", ""]))));
        Maybe("mask part", () => chunks.AddRange(RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Mask(48, 32)), ImagePart.Mask, "m")));
        Maybe("bad part", () => chunks.Add(new RenderRequest { Chunk = new ImageChunk { Part = (ImagePart)77, Data = ByteString.CopyFrom(1, 2, 3) } }));
        Maybe("second header", () => chunks.Insert(0, new RenderRequest { Header = header }));
        Maybe("no chunks", chunks.Clear);
        return (header, chunks, what.Count == 0 ? "unchanged" : string.Join(", ", what));
    }

    public Task InitializeAsync() => server.InitializeAsync();

    public Task DisposeAsync() => server.DisposeAsync();

    private static T Pick<T>(Random random, IReadOnlyList<T> values) => values[random.Next(values.Count)];

    private static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private Task AssertServing() => RenderCalls.AssertServingAsync(server.Render);
}
