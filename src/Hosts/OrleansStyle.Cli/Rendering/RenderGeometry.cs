using OrleansStyle.Imaging;

namespace OrleansStyle.Cli.Rendering;

/// <summary>
/// How large a render is: <c>--size</c>. One record for every render path, so <c>--size</c> means the same through the
/// farm (the render header's <c>max_side</c>) and with <c>--whole</c>.
/// </summary>
/// <param name="MaxSide">Cap on the result's long side: a larger photo is shrunk to it, a smaller one is never enlarged; 0 keeps the photo's size.</param>
internal sealed record RenderGeometry(int MaxSide)
{
    /// <summary>Every bad value, each phrased as how to fix it; empty when the geometry is usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxSide < 0)
        {
            problems.Add($"--size {MaxSide}: use a positive long side in pixels, or 0 to keep the photo's size.");
        }

        return problems;
    }

    /// <summary>The photo as a whole-picture render uses it: shrunk to <see cref="MaxSide"/> when larger, as the gateway does.</summary>
    public PlanarImage Fit(PlanarImage content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return MaxSide > 0 ? content.FitWithin(MaxSide) : content;
    }
}
