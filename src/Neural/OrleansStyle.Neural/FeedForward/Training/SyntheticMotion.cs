using OrleansStyle.Neural.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Random smooth motion for the temporal training term (ReCoNet, Gao et al. 2018; Ruder et al. 2018 §4.3 with
/// synthetic motion): per batch element a small affine motion (rotation ±2°, zoom ±3 %, shift ±3 % of the side) plus
/// an elastic field (a 4×4 grid of displacements up to ±1 % of the side, bicubically upsampled), as a sampling grid for
/// <c>grid_sample</c>, and the mask of output pixels that sample inside the source. Still photos moved this way stand in
/// for consecutive video frames, so no video data set is needed.
/// </summary>
internal static class SyntheticMotion
{
    /// <summary>Grid [N, H, W, 2] in grid_sample's −1…1 coordinates (align_corners false) and mask [N, 1, H, W].</summary>
    public static (Tensor Grid, Tensor Mask) Random(int batch, int height, int width, ulong seed, Device device)
    {
        var random = new Random((int)(seed >> 33));
        float Uniform(float range) => (float)(((random.NextDouble() * 2) - 1) * range);
        var theta = new float[batch * 6];
        for (var i = 0; i < batch; i++)
        {
            var angle = Uniform(2f) * MathF.PI / 180f;
            var zoom = 1f + Uniform(0.03f);
            theta[(6 * i) + 0] = MathF.Cos(angle) / zoom;
            theta[(6 * i) + 1] = -MathF.Sin(angle) / zoom;
            theta[(6 * i) + 2] = Uniform(0.06f); // ±3 % of the side is ±0.06 in −1…1 units
            theta[(6 * i) + 3] = MathF.Sin(angle) / zoom;
            theta[(6 * i) + 4] = MathF.Cos(angle) / zoom;
            theta[(6 * i) + 5] = Uniform(0.06f);
        }

        var elastic = new float[batch * 2 * 4 * 4];
        for (var i = 0; i < elastic.Length; i++)
        {
            elastic[i] = Uniform(0.02f);
        }

        var affine = nn.functional.affine_grid(tensor(theta, [batch, 2, 3], device: device), [batch, 3, height, width], align_corners: false);
        var field = nn.functional.interpolate(
            tensor(elastic, [batch, 2, 4, 4], device: device), size: [height, width], mode: InterpolationMode.Bicubic, align_corners: false);
        var grid = affine.Plus(field.permute(0, 2, 3, 1));
        using var one = 1f.ToScalar();
        var inside = grid.abs().le(one).all(-1, keepdim: false).unsqueeze(1).to(ScalarType.Float32);
        return (grid, inside);
    }

    /// <summary>images [N, C, H, W] sampled at the grid (bilinear, border values outside: the mask excludes them).</summary>
    public static Tensor Warp(Tensor images, Tensor grid) =>
        nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
}
