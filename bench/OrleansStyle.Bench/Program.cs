using OrleansStyle.Bench;

// Benchmarks print Markdown rows for docs/benchmarks.md. Each suite measures its variants side by side in one run.
var suite = args.FirstOrDefault() ?? "help";
switch (suite)
{
    case "optimize":
        OptimizationBenchmark.IterationTimes(args.Skip(1).Select(int.Parse).DefaultIfEmpty(256).ToArray());
        break;
    case "optimize-rss":
        OptimizationBenchmark.ResidentMemory(args.Length > 1 ? int.Parse(args[1]) : 1000);
        break;
    default:
        Console.WriteLine("usage: bench optimize [sizes…] | optimize-rss [iterations]");
        return 2;
}

return 0;
