namespace OrleansStyle.Imaging.Quality;

/// <summary>
/// Palette and texture: 0 = the style's, 1 = the photo's untouched. Structure: mean SSIM of L against the content,
/// 1 = intact. See shared/quality.md.
/// </summary>
public sealed record StylisationScores(double Palette, double Texture, double Structure);
