using Google.Protobuf.Collections;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// What a render header and a video header share, checked alike by <see cref="RenderPlanner"/> and the video planner:
/// the declared upload against the cap, a caller's job id, and the regions (their styles and static masks).
/// </summary>
public static class HeaderRules
{
    /// <summary>
    /// A declared upload over <paramref name="maxUploadBytes"/> is refused at once (RESOURCE_EXHAUSTED); a job id callers
    /// may not choose starts the list of problems.
    /// </summary>
    public static List<(string Field, string Problem)> Open(long uploadBytes, string jobId, long maxUploadBytes)
    {
        if (uploadBytes > maxUploadBytes)
        {
            throw GatewayErrors.ResourceExhausted(
                $"The header announces {uploadBytes} bytes of uploads; the gateway takes at most {maxUploadBytes} per call ({GatewayOptions.Section}:MaxUploadBytes).",
                "UPLOAD_TOO_LARGE");
        }

        var problems = new List<(string, string)>();
        if (jobId.Length > 0 && !JobIds.IsValid(jobId))
        {
            problems.Add(("job_id", $"'{jobId}' is not a job id: {JobIds.Rule}, or leave it empty."));
        }

        return problems;
    }

    /// <summary>
    /// The regions' problems: 1–<see cref="RenderPlanner.MaxRegions"/> regions of 1–<see cref="RenderPlanner.MaxStylesPerRegion"/>
    /// distinct styles with finite, non-negative weights not all zero, styles the model knows, and a mask given one way only.
    /// </summary>
    public static void CheckRegions(RepeatedField<Region> regions, StyleModelInfo? model, string modelName, List<(string Field, string Problem)> problems)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(problems);
        if (regions.Count == 0)
        {
            problems.Add(("regions", "give at least one region with a style."));
        }
        else if (regions.Count > RenderPlanner.MaxRegions)
        {
            throw GatewayErrors.InvalidArgument("regions", $"{regions.Count} regions: a job takes at most {RenderPlanner.MaxRegions}.", "TOO_MANY_REGIONS");
        }

        for (var r = 0; r < regions.Count; r++)
        {
            var region = regions[r];
            if (region.Styles.Count == 0)
            {
                problems.Add(($"regions[{r}].styles", "give at least one style."));
            }
            else if (region.Styles.Count > RenderPlanner.MaxStylesPerRegion)
            {
                throw GatewayErrors.InvalidArgument($"regions[{r}].styles", $"{region.Styles.Count} styles: a region mixes at most {RenderPlanner.MaxStylesPerRegion}.", "TOO_MANY_STYLES");
            }
            else if (region.Styles.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != region.Styles.Count)
            {
                problems.Add(($"regions[{r}].styles", "each style may be named once per region: give one entry with the summed weight."));
            }

            if (region.Mask.Length > 0 && !region.MaskImage.IsEmpty)
            {
                problems.Add(($"regions[{r}].mask_image", "give the mask either by reference (mask, an uploaded MASK part) or inline (mask_image), not both."));
            }

            var sum = 0f;
            for (var s = 0; s < region.Styles.Count; s++)
            {
                var style = region.Styles[s];
                var weight = style.HasWeight ? style.Weight : 1f;
                sum += weight;
                if (!float.IsFinite(weight) || weight < 0)
                {
                    problems.Add(($"regions[{r}].styles[{s}].weight", $"{weight}: use a finite, non-negative weight."));
                }

                if (style.Name.Length is 0 or > 128)
                {
                    problems.Add(($"regions[{r}].styles[{s}].name", "name the style (1–128 characters)."));
                }
                else if (model is { Kind: not StyleModelKind.AdaIn } && !model.Styles.Contains(style.Name, StringComparer.Ordinal))
                {
                    problems.Add(($"regions[{r}].styles[{s}].name", $"model '{modelName}' has no style '{style.Name}': choose one of {string.Join(", ", model.Styles)}."));
                }
            }

            if (region.Styles.Count > 0 && !(sum > 0))
            {
                problems.Add(($"regions[{r}].styles", "the weights must not all be zero."));
            }
        }
    }

    /// <summary>
    /// The region's static mask, decoded safely (inline, or the uploaded MASK part <paramref name="uploaded"/> finds by
    /// name), inverted when asked, with the picture's aspect ratio (it may be smaller); null when the region has none.
    /// </summary>
    public static PixelBuffer? Mask(SafeImageReader reader, Region region, int index, Func<string, ReadOnlyMemory<byte>?> uploaded, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(uploaded);
        if (region.Mask.Length == 0 && region.MaskImage.IsEmpty)
        {
            return null;
        }

        var field = region.Mask.Length > 0 ? $"regions[{index}].mask" : $"regions[{index}].mask_image";
        var bytes = region.Mask.Length == 0 ? region.MaskImage.Memory : uploaded(region.Mask)
            ?? throw GatewayErrors.InvalidArgument(field, $"no mask arrived: send it as MASK chunks named '{region.Mask}'.");
        var mask = ImageDecoding.ReadGrey(reader, bytes, field, region.InvertMask);
        return PictureAspect.Matches(mask.Width, mask.Height, width, height)
            ? mask
            : throw GatewayErrors.InvalidArgument(
                field, $"the mask is {mask.Width}×{mask.Height} but the picture is {width}×{height}: a mask needs the picture's aspect ratio (it may be smaller).",
                "MASK_SIZE_MISMATCH");
    }
}
