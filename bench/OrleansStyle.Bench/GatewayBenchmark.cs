using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.Hosting;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using FarmStyleWeight = OrleansStyle.Farm.Jobs.StyleWeight;
using JobState = OrleansStyle.Gateway.V1.JobState;
using V1StyleWeight = OrleansStyle.Gateway.V1.StyleWeight;

namespace OrleansStyle.Bench;

/// <summary>
/// The gateway's cost, side by side in one run on one embedded gateway + silo: the same render through gRPC
/// (JPEG upload in 1 MiB chunks, PNG result streamed back) and through the farm client in-process; then 1, 4 and 16
/// concurrent gRPC clients, on the real CPU device and on a simulated device (which isolates the gateway's own work:
/// decoding, statistics, tiling, encoding, streaming).
/// </summary>
internal static class GatewayBenchmark
{
    private const int ChunkBytes = 1 << 20;

    public static async Task Run(string modelPath, double megapixels, int repeats, int rendersPerClient)
    {
        var (width, height) = FarmBenchmark.Size(megapixels, 4.0 / 3.0);
        var picture = FarmBenchmark.Photo(width, height);
        var upload = Encode(picture);
        var style = FarmBenchmark.TrainedStyle(modelPath);
        var model = Path.GetFileNameWithoutExtension(modelPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway: {width}×{height} ({megapixels:F1} MP, JPEG upload {upload.Length / 1e6:F2} MB), model {model}, style {style}, PNG out, median of {repeats}"));

        await using (var gateway = await Start(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "cpu"))
        {
            using var channel = GrpcChannel.ForAddress(gateway.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 2 << 20 });
            var client = new Render.RenderClient(channel);
            var farm = new FarmRenderClient(gateway.Grains);
            var decoded = Decode(upload); // the pixels the gateway renders, so both paths do the same work
            long resultBytes = 0;
            async Task InProcess()
            {
                using var output = new MemoryStream();
                await farm.RenderAsync(new FarmRenderRequest($"bench-{Guid.NewGuid():N}", decoded, model, [RegionSpec.Everywhere(FarmStyleWeight.Trained(style))]), output);
                resultBytes = output.Length;
            }

            await InProcess(); // warm the model cache and the JIT
            await RenderAsync(client, model, style, upload);
            var inProcess = await MedianAsync(repeats, InProcess);
            var viaGateway = await MedianAsync(repeats, () => RenderAsync(client, model, style, upload));
            var megabytes = (upload.Length + resultBytes) / 1e6;
            Console.WriteLine();
            Console.WriteLine("| path | seconds | vs in-process | MB/s (upload + result) | MP/s |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Console.WriteLine(Row("farm client in-process (decoded pixels in, PNG out)", inProcess, inProcess, megabytes, megapixels));
            Console.WriteLine(Row("gRPC gateway (JPEG chunks in, PNG chunks out)", viaGateway, inProcess, megabytes, megapixels));

            Console.WriteLine();
            await Concurrency(client, model, style, Encode(FarmBenchmark.Photo(512, 384)), rendersPerClient, "CPU device, multi4, 512×384");
        }

        // The simulated device renders stand-in tiles; the gateway still reads the model's metadata to check styles.
        await using (var simulated = await Start(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "sim:0"))
        {
            using var channel = GrpcChannel.ForAddress(simulated.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 2 << 20 });
            await Concurrency(new Render.RenderClient(channel), model, style, Encode(FarmBenchmark.Photo(512, 384)), rendersPerClient,
                "simulated device (20 ms a tile), 512×384");
        }
    }

    private static async Task Concurrency(Render.RenderClient client, string model, string style, byte[] upload, int rendersPerClient, string label)
    {
        await RenderAsync(client, model, style, upload); // warm
        Console.WriteLine($"Concurrent clients, {label}, {rendersPerClient} renders per client:");
        Console.WriteLine();
        Console.WriteLine("| clients | renders/s | vs 1 client | MB/s uploaded | latency p50 (s) | latency p95 (s) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        double? single = null;
        foreach (var clients in new[] { 1, 4, 16 })
        {
            var latencies = new List<double>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
            {
                for (var i = 0; i < rendersPerClient; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await RenderAsync(client, model, style, upload);
                    lock (latencies)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                    }
                }
            }));
            var seconds = clock.Elapsed.TotalSeconds;
            var rate = clients * rendersPerClient / seconds;
            single ??= rate;
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {clients} | {rate:F2} | ×{rate / single.Value:F2} | {rate * upload.Length / 1e6:F2} | {latencies[latencies.Count / 2]:F2} | {latencies[(int)(latencies.Count * 0.95)]:F2} |"));
        }

        Console.WriteLine();
    }

    private static async Task<GatewayHost> Start(string models, string device) => await GatewayHost.StartAsync(new GatewayHostOptions
    {
        Devices = d => d.Devices = [device],
        Models = m => m.Directory = models,
        Gateway = g =>
        {
            g.RequireApiKey = false;
            g.MaxConcurrentJobsPerCaller = 64; // every benchmark client is the same caller
            g.RequestsPerMinutePerCaller = 0;
        },
    });

    private static async Task RenderAsync(Render.RenderClient client, string model, string style, byte[] upload)
    {
        using var call = client.Render();
        await call.RequestStream.WriteAsync(new RenderRequest
        {
            Header = new RenderHeader { Model = model, Regions = { new Region { Styles = { new V1StyleWeight { Name = style } } } }, UploadBytes = upload.Length },
        });
        for (var offset = 0; offset < upload.Length; offset += ChunkBytes)
        {
            await call.RequestStream.WriteAsync(new RenderRequest
            {
                Chunk = new ImageChunk { Part = ImagePart.Content, Data = ByteString.CopyFrom(upload, offset, Math.Min(ChunkBytes, upload.Length - offset)) },
            });
        }

        await call.RequestStream.CompleteAsync();
        await foreach (var item in call.ResponseStream.ReadAllAsync())
        {
            if (item.EventCase == RenderEvent.EventOneofCase.Summary && item.Summary.Job.State != JobState.Completed)
            {
                throw new InvalidOperationException($"The render ended {item.Summary.Job.State}: {item.Summary.Job.Error}");
            }
        }
    }

    private static byte[] Encode(PixelBuffer pixels)
    {
        using var image = Image.LoadPixelData<Rgb24>(pixels.Data, pixels.Width, pixels.Height);
        return ImageWriter.Encode(image, Imaging.OutputFormat.Jpeg, quality: 90);
    }

    private static PixelBuffer Decode(byte[] encoded)
    {
        using var image = new SafeImageReader().ReadRgb(encoded);
        return image.ToPlanar().ToPixelBuffer();
    }

    private static async Task<double> MedianAsync(int repeats, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalSeconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static string Row(string label, double seconds, double baseline, double megabytes, double megapixels) => string.Create(
        CultureInfo.InvariantCulture, $"| {label} | {seconds:F2} | ×{seconds / baseline:F2} | {megabytes / seconds:F2} | {megapixels / seconds:F2} |");
}
