namespace OrleansStyle.Imaging.Video;

/// <summary>A frame rate as ffprobe gives it (e.g. 30000/1001), kept exact so the writer reproduces it.</summary>
public readonly record struct FrameRate(int Numerator, int Denominator)
{
    public double PerSecond => (double)Numerator / Denominator;

    public override string ToString() => $"{Numerator}/{Denominator}";

    public static bool TryParse(string? text, out FrameRate rate)
    {
        rate = default;
        var parts = (text ?? "").Split('/');
        if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out var numerator))
        {
            return false;
        }

        var denominator = 1;
        if (parts.Length == 2 && !int.TryParse(parts[1], out denominator))
        {
            return false;
        }

        if (numerator <= 0 || denominator <= 0)
        {
            return false;
        }

        rate = new FrameRate(numerator, denominator);
        return true;
    }
}

/// <summary>What <see cref="VideoProbe"/> learnt of a clip's first video stream.</summary>
public sealed record VideoInfo(
    int Width, int Height, FrameRate FrameRate, long FrameCount, TimeSpan Duration, string Codec, bool HasAudio, string? AudioCodec);
