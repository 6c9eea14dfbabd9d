namespace OrleansStyle.Imaging.Video;

/// <summary>
/// What <see cref="ClipConsistency"/> measured: E_warp over consecutive pairs (mean and worst pair, RGB 0–1 scale,
/// squared distance summed over channels), the share of pixels the occlusion mask trusted, and — when a style was
/// given — palette and texture averaged over <see cref="StyleSamples"/> frames spread over the clip.
/// </summary>
public sealed record ClipConsistencyReport(
    int Frames, int Width, int Height, double WarpingError, double WorstPairError, double TrustedShare,
    double? Palette, double? Texture, int StyleSamples);
