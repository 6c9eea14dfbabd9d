using OrleansStyle.Imaging.Quality;
using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Imaging.Video;

/// <summary>
/// Temporal consistency of a stylised clip against the clip it was made from (Lai et al. 2018's E_warp): both are
/// decoded in lockstep at the result's size, flow and occlusion come from consecutive content frames, and each pair
/// of result frames is compared after warping. Memory stays at two frames of each. The content clip measured against
/// itself is the floor (flow and interpolation error only).
/// </summary>
public static class ClipConsistency
{
    /// <summary>Frames at most that palette and texture are measured on (they cost far more than a flow).</summary>
    public const int StyleSampleFrames = 12;

    /// <param name="result">A clip, or a folder of PNG frames as <c>orleans-style video … -o DIR</c> writes them.</param>
    /// <param name="content">The clip the result was made from (same frames, any size).</param>
    /// <param name="style">The painting, for per-frame palette and texture; null skips them.</param>
    public static async Task<ClipConsistencyReport> MeasureAsync(
        string result, string content, PlanarImage? style = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var contentInfo = await VideoProbe.ProbeAsync(content, cancellationToken: cancellationToken);
        var (source, width, height) = await OpenResultAsync(result, cancellationToken);
        var every = Math.Max(1, (int)Math.Ceiling(contentInfo.FrameCount / (double)StyleSampleFrames));
        await using var results = VideoFrameReader.Open(source, width, height);
        await using var contents = VideoFrameReader.Open(content, width, height);
        PlanarImage? previousContent = null, previousResult = null;
        double errorSum = 0, worst = 0, trustedSum = 0, paletteSum = 0, textureSum = 0;
        int frames = 0, pairs = 0, samples = 0;
        while (await results.ReadAsync(cancellationToken) is { } frame)
        {
            var contentFrame = await contents.ReadAsync(cancellationToken)
                ?? throw new InvalidDataException($"{Path.GetFileName(result)} has more frames than {Path.GetFileName(content)} ({frames}); measure a result against the clip it was made from.");
            if (previousContent is not null && previousResult is not null)
            {
                var (pc, pr) = (previousContent, previousResult);
                var (error, trusted) = await Task.Run(
                    () =>
                    {
                        var motion = FrameMotion.Estimate(pc, contentFrame);
                        return (WarpingError.Pair(pr, frame, motion), 1 - (motion.OccludedPixels / (double)contentFrame.PlaneLength));
                    },
                    cancellationToken);
                errorSum += error;
                worst = Math.Max(worst, error);
                trustedSum += trusted;
                pairs++;
            }

            if (style is not null && frames % every == 0)
            {
                var scores = await Task.Run(() => StylisationQuality.Measure(frame, contentFrame, style), cancellationToken);
                paletteSum += scores.Palette;
                textureSum += scores.Texture;
                samples++;
            }

            previousContent = contentFrame;
            previousResult = frame;
            frames++;
            progress?.Report(frames);
        }

        if (await contents.ReadAsync(cancellationToken) is not null)
        {
            throw new InvalidDataException($"{Path.GetFileName(result)} has fewer frames ({frames}) than {Path.GetFileName(content)}; measure a complete result.");
        }

        if (pairs == 0)
        {
            throw new InvalidDataException($"{Path.GetFileName(result)} has {frames} frame(s); the warping error needs at least two.");
        }

        return new ClipConsistencyReport(
            frames, width, height, errorSum / pairs, worst, trustedSum / pairs,
            samples > 0 ? paletteSum / samples : null, samples > 0 ? textureSum / samples : null, samples);
    }

    /// <summary>What ffmpeg is given for the result and the size to measure at (the result's own).</summary>
    private static async Task<(string Source, int Width, int Height)> OpenResultAsync(string result, CancellationToken cancellationToken)
    {
        if (Directory.Exists(result))
        {
            var first = Path.Combine(result, "frame_000001.png");
            if (!File.Exists(first))
            {
                throw new FileNotFoundException($"{result} is a folder without frame_000001.png: give a clip or a folder of frames written by `orleans-style video … -o DIR`.", first);
            }

            var header = new SafeImageReader().Inspect(await File.ReadAllBytesAsync(first, cancellationToken));
            return (Path.Combine(result, "frame_%06d.png"), header.Width, header.Height);
        }

        var info = await VideoProbe.ProbeAsync(result, cancellationToken: cancellationToken);
        return (result, info.Width, info.Height);
    }
}
