using System.Globalization;

namespace OrleansStyle.Bench;

/// <summary>Options of <c>bench feedforward</c>; <see cref="Usage"/> lists them with their defaults.</summary>
internal sealed record FeedForwardBenchmarkOptions
{
    public const string Usage = """
        usage: bench feedforward [options]
          --sizes 512,1024,2048       square sizes timed one image at a time (multiples of 4)
          --batch-size 256            square size of the throughput table
          --batches 1,4,8             batch sizes of the throughput table
          --repeats 5                 timed runs per measurement (the median is reported)
          --warmup 1                  untimed runs before them (after the ONNX check run)
          --threads N                 intra-op threads for TorchSharp and ONNX Runtime alike (default: all CPUs)
          --families johnson-w16:4,johnson-w32:1,adain-w32
                                      random-weight networks to time (name[:styles]); empty with --model
          --model FILE                a trained model file to time as well (repeatable)
          --style-size 512            AdaIN: long side of the style image that Stylise encodes per call
          --no-onnx                   skip ONNX Runtime
          --save-onnx DIR             also write the exported ONNX graphs to DIR
          --seed 1                    seed of the random weights
        """;

    public IReadOnlyList<int> Sizes { get; init; } = [512, 1024, 2048];

    public int BatchSize { get; init; } = 256;

    public IReadOnlyList<int> Batches { get; init; } = [1, 4, 8];

    public int Repeats { get; init; } = 5;

    public int Warmup { get; init; } = 1;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public IReadOnlyList<string> Families { get; init; } = ["johnson-w16:4", "johnson-w32:1", "adain-w32"];

    public IReadOnlyList<string> Models { get; init; } = [];

    public int StyleSize { get; init; } = 512;

    public bool Onnx { get; init; } = true;

    public string? SaveOnnx { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Parses the arguments after <c>feedforward</c>; every problem is an <see cref="ArgumentException"/>.</summary>
    public static FeedForwardBenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FeedForwardBenchmarkOptions();
        var families = (IReadOnlyList<string>?)null;
        var models = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{option} needs a value.");
            switch (option)
            {
                case "--families":
                    families = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--model":
                    var path = Value();
                    models.Add(File.Exists(path) ? path : throw new ArgumentException($"Model file '{path}' does not exist."));
                    break;
                default:
                    options = option switch
                    {
                        "--sizes" => options with { Sizes = SquareSizes(option, Value()) },
                        "--batch-size" => options with { BatchSize = One(option, SquareSizes(option, Value())) },
                        "--batches" => options with { Batches = Positive(option, Value()) },
                        "--repeats" => options with { Repeats = One(option, Positive(option, Value())) },
                        "--warmup" => options with { Warmup = Count(option, Value()) },
                        "--threads" => options with { Threads = One(option, Positive(option, Value())) },
                        "--style-size" => options with { StyleSize = One(option, Positive(option, Value())) },
                        "--seed" => options with { Seed = Count(option, Value()) },
                        "--no-onnx" => options with { Onnx = false },
                        "--save-onnx" => options with { SaveOnnx = Value() },
                        _ => throw new ArgumentException($"Unknown option '{option}'."),
                    };
                    break;
            }
        }

        // Given model files replace the random networks unless --families asks for both.
        return options with { Models = models, Families = families ?? (models.Count > 0 ? [] : options.Families) };
    }

    private static int[] Positive(string option, string text)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = values.Select(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0).ToArray();
        return parsed.Length > 0 && parsed.All(n => n > 0)
            ? parsed
            : throw new ArgumentException($"{option} takes positive whole numbers separated by commas; got '{text}'.");
    }

    private static int One(string option, int[] values) =>
        values.Length == 1 ? values[0] : throw new ArgumentException($"{option} takes one number; got {values.Length}.");

    private static int[] SquareSizes(string option, string text)
    {
        var sizes = Positive(option, text);
        return sizes.All(s => s is >= 32 and <= 8192 && s % 4 == 0)
            ? sizes
            : throw new ArgumentException($"{option}: sizes must be multiples of 4 from 32 to 8192 (the ONNX graph does not pad); got '{text}'.");
    }

    private static int Count(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{option} takes a whole number; got '{text}'.");
}
