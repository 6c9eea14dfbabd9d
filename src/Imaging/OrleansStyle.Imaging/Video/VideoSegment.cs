using System.Globalization;

namespace OrleansStyle.Imaging.Video;

/// <summary>The part of a clip to stylise (--start, --duration); null fields mean from the beginning / to the end.</summary>
public sealed record VideoSegment(TimeSpan? Start = null, TimeSpan? Duration = null)
{
    public static VideoSegment Whole { get; } = new();

    /// <summary>ffmpeg input options selecting the segment; they go before the -i they apply to.</summary>
    internal IEnumerable<string> InputArguments()
    {
        if (Start is { } start)
        {
            yield return "-ss";
            yield return Seconds(start);
        }

        if (Duration is { } duration)
        {
            yield return "-t";
            yield return Seconds(duration);
        }
    }

    /// <summary>How long the segment of <paramref name="info"/> lasts.</summary>
    public TimeSpan LengthIn(VideoInfo info)
    {
        var rest = info.Duration - (Start ?? TimeSpan.Zero);
        return Duration is { } d && d < rest ? d : rest;
    }

    internal static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.######", CultureInfo.InvariantCulture);
}
