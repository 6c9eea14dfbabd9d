using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Bench;

/// <summary>
/// bench temporal-blend CLIP PER_FRAME_DIR STYLE: the blend weights side by side on one clip stylised frame by frame
/// (<c>orleans-style video CLIP -o DIR --temporal off</c>): for each (weight, content tolerance), E_warp of the
/// blended frames and palette/texture over 6 frames, against the unblended frames and the content (the floor). Flow
/// and masks are computed once per pair and shared by every variant, so the rows differ only in the blend. The blend's
/// flows are at <see cref="TemporalBlender.FlowDownscale"/> (or each of <c>--flow-downscale 1,2,4</c>); E_warp is
/// always measured with full-size flow.
/// PER_FRAME_DIR may list several stylisations of the same clip, <c>LABEL=DIR,LABEL=DIR</c> (e.g. two models): each
/// gets its rows, and every ratio is to the first one's unblended frames.
/// </summary>
internal static class TemporalBlendBenchmark
{
    public static async Task<int> Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: bench temporal-blend CLIP [LABEL=]PER_FRAME_DIR[,LABEL=DIR…] STYLE [weight:tolerance …] [--flow-downscale 1,2,4]");
            return 2;
        }

        // --flow-downscale 1,2,4: blend rows with the blend's flows at each downscale (default: the shipped one). E_warp
        // is always measured with full-size flow, so rows differ only in the blend.
        var downscales = new[] { TemporalBlender.FlowDownscale };
        if (Array.IndexOf(args, "--flow-downscale") is var at and >= 0 && at + 1 < args.Length)
        {
            downscales = [.. args[at + 1].Split(',').Select(int.Parse)];
            args = [.. args.Take(at), .. args.Skip(at + 2)];
        }

        var (clip, stylePath) = (args[0], args[2]);
        var runs = args[1].Split(',').Select(r => r.Split('=', 2)).Select(p => p.Length == 2 ? (Label: p[0] + " ", Folder: p[1]) : (Label: "", Folder: p[0])).ToList();
        var folder = runs[0].Folder;
        var variants = args.Length > 3
            ? args.Skip(3).Select(v => v.Split(':')).Select(p => new TemporalBlendOptions(float.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), float.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList()
            : [new(0.3f, 0.06f), new(0.5f, 0.06f), new(0.6f, 0.06f), new(0.8f, 0.06f), new(0.5f, 0.03f), new(0.5f, 0.12f)];
        var style = new SafeImageReader().ReadRgb(stylePath).ToPlanar();
        var first = new SafeImageReader().Inspect(await File.ReadAllBytesAsync(Path.Combine(folder, "frame_000001.png")));
        var contents = await ReadAll(clip, first.Width, first.Height);
        var motions = new FrameMotion?[contents.Count];
        Parallel.For(1, contents.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t => motions[t] = FrameMotion.Estimate(contents[t - 1], contents[t]));
        var blendMotions = downscales.ToDictionary(d => d, d =>
        {
            var set = new FrameMotion?[contents.Count];
            Parallel.For(1, contents.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t => set[t] = FrameMotion.Estimate(contents[t - 1], contents[t], d));
            return set;
        });

        Console.WriteLine($"{Path.GetFileName(clip)}: {contents.Count} frames of {first.Width}×{first.Height}, style {Path.GetFileNameWithoutExtension(stylePath)}");
        Console.WriteLine("| frames | E_warp | × per-frame | palette | texture |");
        Console.WriteLine("|---|---|---|---|---|");
        Measure("content (floor)", contents, contents, motions, style, null);
        double? baseline = null;
        foreach (var (label, runFolder) in runs)
        {
            var stylised = await ReadAll(Path.Combine(runFolder, "frame_%06d.png"), first.Width, first.Height);
            var unblended = Measure($"{label}per-frame (no blend)", stylised, contents, motions, style, baseline);
            baseline ??= unblended;
            foreach (var options in variants)
            {
                foreach (var (downscale, blendMotion) in blendMotions)
                {
                    var blender = new TemporalBlender(options);
                    var blended = contents.Select((c, t) => blender.Blend(c, stylised[t], blendMotion[t])).ToList();
                    Measure($"{label}blend weight {options.Weight}, tolerance {options.ContentTolerance}, flow downscale {downscale}", blended, contents, motions, style, baseline);
                }
            }
        }

        return 0;
    }

    private static double Measure(string name, List<PlanarImage> frames, List<PlanarImage> contents, FrameMotion?[] motions, PlanarImage style, double? baseline)
    {
        var error = Enumerable.Range(1, frames.Count - 1).Average(t => WarpingError.Pair(frames[t - 1], frames[t], motions[t]!));
        var samples = Enumerable.Range(0, 6).Select(k => k * (frames.Count - 1) / 5).Distinct().ToList();
        var scores = samples.Select(t => StylisationQuality.Measure(frames[t], contents[t], style)).ToList();
        Console.WriteLine($"| {name} | {error:F5} | {(baseline is { } b ? $"{error / b:F2}" : "")} | {scores.Average(s => s.Palette):F3} | {scores.Average(s => s.Texture):F3} |");
        return error;
    }

    private static async Task<List<PlanarImage>> ReadAll(string source, int width, int height)
    {
        var frames = new List<PlanarImage>();
        await using var reader = VideoFrameReader.Open(source, width, height);
        while (await reader.ReadAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }
}
