using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Shape of a Johnson et al. transformer: base width W (channels W, 2W, 4W; Johnson used 32) and the number of
/// residual blocks (Johnson used 5). Written to model files as <c>johnson-w32</c>, or <c>johnson-w8-r2</c> when the
/// block count differs from 5.
/// </summary>
public sealed partial record TransformerArchitecture(int Width = 32, int ResidualBlocks = 5)
{
    public const int DefaultResidualBlocks = 5;

    public string Name => ResidualBlocks == DefaultResidualBlocks
        ? string.Create(CultureInfo.InvariantCulture, $"johnson-w{Width}")
        : string.Create(CultureInfo.InvariantCulture, $"johnson-w{Width}-r{ResidualBlocks}");

    public static bool TryParse(string name, out TransformerArchitecture architecture)
    {
        var match = Pattern().Match(name);
        architecture = new TransformerArchitecture();
        if (!match.Success
            || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var width)
            || width is < 1 or > 1024)
        {
            return false;
        }

        var blocks = DefaultResidualBlocks;
        if (match.Groups[2].Success && (!int.TryParse(match.Groups[2].Value, CultureInfo.InvariantCulture, out blocks) || blocks > 64))
        {
            return false;
        }

        architecture = new TransformerArchitecture(width, blocks);
        return true;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Width is < 1 or > 1024)
        {
            problems.Add($"Width {Width} is out of range: use 1–1024 base channels (Johnson et al. used 32).");
        }

        if (ResidualBlocks is < 0 or > 64)
        {
            problems.Add($"{ResidualBlocks} residual blocks is out of range: use 0–64 (Johnson et al. used 5).");
        }

        return problems;
    }

    [GeneratedRegex(@"^johnson-w(\d+)(?:-r(\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
