using System.Globalization;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Style.Optimization;

namespace OrleansStyle.Cli.Rendering;

/// <summary>Parses the compact command-line forms of styles, regions and tap weights.</summary>
internal static class StyleSpecs
{
    /// <summary><c>PATH[=WEIGHT]</c>.</summary>
    public static (string Path, float Weight) ParseWeighted(string spec)
    {
        var separator = spec.LastIndexOf('=');
        if (separator <= 0)
        {
            return (spec, 1f);
        }

        var weightText = spec[(separator + 1)..];
        if (!float.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) || weight < 0 || !float.IsFinite(weight))
        {
            throw new ArgumentException($"'{spec}': the weight after '=' must be a non-negative number, e.g. starry.jpg=0.7.");
        }

        return (spec[..separator], weight);
    }

    public static StyleSource LoadStyle(string spec, string? maskSpec = null, IReadOnlyCollection<string>? taps = null, bool stretchMasks = false)
    {
        var (path, weight) = ParseWeighted(spec);
        var image = ImageFiles.ReadRgb(path);
        var mask = maskSpec is null ? null : StyleRequest.FitMask(ImageFiles.ReadMask(maskSpec), image.Width, image.Height, stretchMasks);
        return new StyleSource(image, weight, mask, taps) { Name = Path.GetFileNameWithoutExtension(path) };
    }

    /// <summary><c>MASK:STYLE[=W][+STYLE[=W]…][@COLOR]</c>; <c>!MASK</c> inverts the mask; COLOR is a <see cref="ColorMode"/>.</summary>
    public static StyleRegion ParseRegion(string spec, PlanarImage content, bool stretchMasks = false)
    {
        var color = ColorMode.Style;
        var at = spec.LastIndexOf('@');
        if (at > 0)
        {
            if (!Enum.TryParse(spec[(at + 1)..], ignoreCase: true, out color))
            {
                throw new ArgumentException($"--region '{spec}': after '@' give a colour mode: {string.Join(", ", Enum.GetNames<ColorMode>())}.");
            }

            spec = spec[..at];
        }

        var separator = spec.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || separator == spec.Length - 1)
        {
            throw new ArgumentException($"--region '{spec}' must look like MASK:STYLE[=W][+STYLE[=W]], e.g. mask.png:starry.jpg or !mask.png:scream.jpg.");
        }

        var mask = StyleRequest.FitMask(ImageFiles.ReadMask(spec[..separator]), content.Width, content.Height, stretchMasks);
        var styles = spec[(separator + 1)..].Split('+', StringSplitOptions.RemoveEmptyEntries).Select(s => LoadStyle(s)).ToList();
        return new StyleRegion(mask, styles) { Color = color };
    }

    /// <summary><c>tap=weight,tap=weight</c> or bare tap names (weight 1).</summary>
    public static IReadOnlyDictionary<string, float> ParseTaps(string spec)
    {
        var taps = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var entry in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (tap, weight) = ParseWeighted(entry);
            taps[tap] = weight;
        }

        if (taps.Count == 0)
        {
            throw new ArgumentException($"'{spec}' names no taps; use e.g. stem=1,layer1=1,layer2=0.5.");
        }

        return taps;
    }
}
