using System.Globalization;
using OrleansStyle.Bench;

// Benchmarks print Markdown rows for docs/benchmarks.md. Each suite measures its variants side by side in one run.
var suite = args.FirstOrDefault() ?? "help";
switch (suite)
{
    case "optimize":
        OptimizationBenchmark.IterationTimes(args.Skip(1).Select(int.Parse).DefaultIfEmpty(256).ToArray());
        break;
    case "optimize-variants":
        return OptimizationVariantsBenchmark.Run([.. args.Skip(1)]);
    case "optimize-rss":
        OptimizationBenchmark.ResidentMemory(args.Length > 1 ? int.Parse(args[1]) : 1000);
        break;
    case "mosaic":
        MosaicBenchmark.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100);
        break;
    case "farm-overhead":
        await FarmBenchmark.Overhead(Arg(1, "models/multi4.safetensors"), double.Parse(Arg(2, "4"), CultureInfo.InvariantCulture), int.Parse(Arg(3, "3"), CultureInfo.InvariantCulture));
        break;
    case "farm-scale":
        await FarmBenchmark.ScaleOut(int.Parse(Arg(1, "64"), CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(double.Parse(Arg(2, "100"), CultureInfo.InvariantCulture)), int.Parse(Arg(3, "8"), CultureInfo.InvariantCulture));
        break;
    case "farm-large":
        await FarmBenchmark.Large(Arg(1, "models/multi4.safetensors"), Arg(2, "/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg"), double.Parse(Arg(3, "100"), CultureInfo.InvariantCulture));
        break;
    case "coordinator-rss":
        await CoordinatorMemoryBenchmark.Run(double.Parse(Arg(1, "100"), CultureInfo.InvariantCulture));
        break;
    case "gateway":
        await GatewayBenchmark.Run(Arg(1, "models/multi4.safetensors"), double.Parse(Arg(2, "2"), CultureInfo.InvariantCulture), int.Parse(Arg(3, "3"), CultureInfo.InvariantCulture), int.Parse(Arg(4, "4"), CultureInfo.InvariantCulture));
        break;
    case "video":
        await VideoBenchmark.Throughput(Arg(1, "models/multi4.safetensors"), Arg(2, "clip.mp4"), Arg(3, "starry_night"), int.Parse(Arg(4, "1"), CultureInfo.InvariantCulture));
        break;
    case "flow":
        FlowBenchmark.Run([.. args.Skip(1)]);
        break;
    case "temporal-blend":
        return await TemporalBlendBenchmark.Run([.. args.Skip(1)]);
    case "feedforward":
        return FeedForwardBenchmark.Run([.. args.Skip(1)]);
    case "stroke-scale":
        StrokeScaleBenchmark.Run(Arg(1, "models/multi4.safetensors"), [.. Arg(2, "512,1024,2048").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))], int.Parse(Arg(3, "3"), CultureInfo.InvariantCulture));
        break;
    default:
        Console.WriteLine("usage: bench optimize [sizes…] | optimize-variants [sizes…] [--iterations N] [--rounds R] [--interop-threads N] [--variants a,b] [--save DIR] | optimize-rss [iterations] | mosaic [megapixels] | feedforward [--help for options] | flow [photos…] | temporal-blend CLIP [LABEL=]PER_FRAME_DIR[,LABEL=DIR…] STYLE [weight:tolerance …] [--flow-downscale 1,2,4]"
            + " | farm-overhead [model] [megapixels] [repeats] | farm-scale [max workers] [latency ms] [tiles per worker] | farm-large [model] [photo] [upscale megapixels]"
            + " | gateway [model] [megapixels] [repeats] [renders per client] | stroke-scale [model] [sizes] [repeats] | coordinator-rss [megapixels] | video [model] [clip] [style] [rounds]");
        return 2;
}

return 0;

string Arg(int index, string fallback) => args.Length > index ? args[index] : fallback;
