namespace OrleansStyle.Imaging.Video;

/// <summary>What a clip may be before any work starts: frame size and length.</summary>
public sealed record VideoLimits
{
    public static VideoLimits Default { get; } = new();

    /// <summary>Longest side of a frame in pixels (4K UHD by default).</summary>
    public int MaxDimension { get; init; } = 3840;

    /// <summary>Longest clip (or --duration) accepted.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(10);
}
