using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.FeedForward;
using FarmMethod = OrleansStyle.Farm.Jobs.RenderMethod;
using FarmStyleWeight = OrleansStyle.Farm.Jobs.StyleWeight;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// Checks a render header before any image is accepted (options, model, styles), then decodes the uploads safely
/// and states the job as the farm client would: the same request an in-process caller builds.
/// </summary>
public sealed class RenderPlanner(ModelCatalog catalog, StyleLibrary library, IOptions<GatewayOptions> options)
{
    /// <summary>Style images ride inline in every tile's work: keep them well under the farm's 16 MiB message cap.</summary>
    public const int MaxStyleSide = RenderJobSpec.MaxOptimizationStyleSize;

    /// <summary>Tile sides a render may ask for (tile_size; 0 lets the farm choose).</summary>
    public const int MinTileSize = 64;

    public const int MaxTileSize = 8192;

    /// <summary>Regions of one render and styles of one region: checked before any image is decoded.</summary>
    public const int MaxRegions = 16;

    public const int MaxStylesPerRegion = 16;

    private const int MaxIterations = 10_000;

    private readonly GatewayOptions _options = options.Value;

    private readonly SafeImageReader _reader = new(new ImageLimits { MaxPixels = options.Value.MaxPixels, MaxBytes = options.Value.MaxUploadBytes });

    /// <summary>Every problem with the header at once (INVALID_ARGUMENT), an unknown model (NOT_FOUND), or a declared upload over the limit.</summary>
    public void Validate(RenderHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.UploadBytes > _options.MaxUploadBytes)
        {
            throw GatewayErrors.ResourceExhausted(
                $"The header announces {header.UploadBytes} bytes of images; the gateway takes at most {_options.MaxUploadBytes} per render ({GatewayOptions.Section}:MaxUploadBytes).",
                "UPLOAD_TOO_LARGE");
        }

        var problems = new List<(string, string)>();
        if (header.JobId.Length > 0 && !JobIds.IsValid(header.JobId))
        {
            problems.Add(("job_id", $"'{header.JobId}' is not a job id: {JobIds.Rule}, or leave it empty."));
        }

        var method = header.Method.ToFarm();
        if (method is null)
        {
            problems.Add(("method", $"unknown method {header.Method}: use FEED_FORWARD or OPTIMIZE."));
        }

        if (header.Color.ToFarm() is null)
        {
            problems.Add(("color", $"unknown colour mode {header.Color}."));
        }
        else if (header.Color == ColorMode.MatchContentColors)
        {
            problems.Add(("color", "MATCH_CONTENT_COLORS is not applied per tile yet: use PRESERVE_CONTENT_COLORS or LUMINANCE_ONLY."));
        }

        if (!header.OutputFormat.IsKnown())
        {
            problems.Add(("output_format", $"unknown output format {header.OutputFormat}."));
        }

        if (header.HasAlpha && (!float.IsFinite(header.Alpha) || header.Alpha is < 0 or > 1))
        {
            problems.Add(("alpha", $"{header.Alpha}: use 0 (content) to 1 (full style)."));
        }

        if (header.MaxSide < 0)
        {
            problems.Add(("max_side", "use 0 (keep the uploaded size) or a positive long side in pixels."));
        }

        if (header.PreviewSide != 0 && header.PreviewSide is < PreviewCanvas.MinSide or > PreviewCanvas.MaxSide)
        {
            problems.Add(("preview_side", $"use 0 (no previews) or {PreviewCanvas.MinSide}–{PreviewCanvas.MaxSide}."));
        }

        if (header.StyleSize is < 0 or > MaxStyleSide)
        {
            problems.Add(("style_size", $"use 0 (the farm chooses) up to {MaxStyleSide}."));
        }

        if (header.TileSize is < 0 or (> 0 and < MinTileSize) or > MaxTileSize)
        {
            problems.Add(("tile_size", $"use 0 (the farm chooses) or {MinTileSize}–{MaxTileSize}."));
        }

        if (header.Overlap < 0 || (header.TileSize > 0 && header.Overlap * 2 > header.TileSize))
        {
            problems.Add(("overlap", "use 0 (the farm chooses) or up to half the tile size."));
        }

        if (header.CoarseIterations is < 0 or > MaxIterations || header.RefineIterations is < 0 or > MaxIterations)
        {
            problems.Add(("coarse_iterations", $"iterations are 0 (the farm's default) to {MaxIterations}."));
        }

        if (header.Regions.Count == 0)
        {
            problems.Add(("regions", "give at least one region with a style."));
        }
        else if (header.Regions.Count > MaxRegions)
        {
            throw GatewayErrors.InvalidArgument("regions", $"{header.Regions.Count} regions: a render takes at most {MaxRegions}.", "TOO_MANY_REGIONS");
        }

        StyleModelInfo? model = null;
        if (method == FarmMethod.FeedForward)
        {
            if (header.Model.Length == 0)
            {
                problems.Add(("model", "FEED_FORWARD renders need a model name; Models.ListModels lists them."));
            }
            else
            {
                model = catalog.Describe(header.Model).Info; // ModelNotFoundException → NOT_FOUND
            }
        }

        // Refused here rather than by a worker, where the failed tile would take the rest of its batch with it.
        var notAdaIn = method == FarmMethod.Optimize ? "optimisation renders"
            : model is { Kind: not StyleModelKind.AdaIn } ? $"model '{header.Model}' ({StyleModelInfo.KindName(model.Kind)})"
            : null;
        if (header.HasAlpha && notAdaIn is not null)
        {
            problems.Add(("alpha", $"alpha applies to AdaIN models only, not to {notAdaIn}: leave it unset, or mix trained styles with their weights."));
        }

        for (var r = 0; r < header.Regions.Count; r++)
        {
            var region = header.Regions[r];
            if (region.Styles.Count == 0)
            {
                problems.Add(($"regions[{r}].styles", "give at least one style."));
            }
            else if (region.Styles.Count > MaxStylesPerRegion)
            {
                throw GatewayErrors.InvalidArgument($"regions[{r}].styles", $"{region.Styles.Count} styles: a region mixes at most {MaxStylesPerRegion}.", "TOO_MANY_STYLES");
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
                    problems.Add(($"regions[{r}].styles[{s}].name", $"model '{header.Model}' has no style '{style.Name}': choose one of {string.Join(", ", model.Styles)}."));
                }
            }

            if (region.Styles.Count > 0 && !(sum > 0))
            {
                problems.Add(($"regions[{r}].styles", "the weights must not all be zero."));
            }
        }

        if (problems.Count > 0)
        {
            throw GatewayErrors.InvalidArguments(problems, "INVALID_HEADER");
        }
    }

    /// <summary>Whether the header's styles are uploaded images (AdaIN models and optimisation) rather than trained names.</summary>
    public bool StylesAreImages(RenderHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Method == V1.RenderMethod.Optimize || catalog.Describe(header.Model).Info.Kind == StyleModelKind.AdaIn;
    }

    /// <summary>
    /// Decodes the uploads (each checked by the safe reader before decoding) into the farm's request. Style images
    /// not uploaded with the render come from the style library.
    /// </summary>
    public async Task<FarmRenderRequest> BuildAsync(
        RenderHeader header, UploadedImages upload, string jobId, string caller, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(upload);
        var contentBytes = upload.Get(ImagePart.Content)
            ?? throw GatewayErrors.InvalidArgument("content", "no content picture arrived: send it as CONTENT chunks after the header.");
        var content = ImageDecoding.ReadRgb(_reader, contentBytes, "content");
        if (header.MaxSide > 0 && Math.Max(content.Width, content.Height) > header.MaxSide)
        {
            content = content.Thumbnail(header.MaxSide);
        }

        if (RenderJobSpec.ShapeProblem(content.Width, content.Height) is { } shape)
        {
            throw GatewayErrors.InvalidArgument(header.MaxSide > 0 ? "content (after max_side)" : "content", shape, "PICTURE_SHAPE");
        }

        var imageStyles = StylesAreImages(header);
        var regions = ImmutableArray.CreateBuilder<RegionSpec>(header.Regions.Count);
        for (var r = 0; r < header.Regions.Count; r++)
        {
            var region = header.Regions[r];
            var styles = ImmutableArray.CreateBuilder<FarmStyleWeight>(region.Styles.Count);
            for (var s = 0; s < region.Styles.Count; s++)
            {
                var style = region.Styles[s];
                var weight = style.HasWeight ? style.Weight : 1f;
                if (!imageStyles)
                {
                    styles.Add(FarmStyleWeight.Trained(style.Name, weight));
                    continue;
                }

                var field = $"regions[{r}].styles[{s}]";
                var bytes = upload.Get(ImagePart.Style, style.Name) ?? (library.Find(style.Name) is not null
                    ? await library.ReadAsync(style.Name, cancellationToken)
                    : throw GatewayErrors.InvalidArgument(
                        field, $"this render takes style images: send the image as STYLE chunks named '{style.Name}', or name a style of the library (Styles.ListStyles)."));
                var image = ImageDecoding.ReadRgb(_reader, bytes, field);
                if (Math.Max(image.Width, image.Height) > MaxStyleSide)
                {
                    image = image.Thumbnail(MaxStyleSide);
                }

                styles.Add(FarmStyleWeight.FromImage(style.Name, image, weight));
            }

            PixelBuffer? mask = null;
            if (region.Mask.Length > 0 || !region.MaskImage.IsEmpty)
            {
                var field = region.Mask.Length > 0 ? $"regions[{r}].mask" : $"regions[{r}].mask_image";
                var bytes = region.Mask.Length == 0 ? region.MaskImage.Memory : upload.Get(ImagePart.Mask, region.Mask)
                    ?? throw GatewayErrors.InvalidArgument(field, $"no mask arrived: send it as MASK chunks named '{region.Mask}'.");
                mask = ImageDecoding.ReadGrey(_reader, bytes, field, region.InvertMask);
                if (!PictureAspect.Matches(mask.Width, mask.Height, content.Width, content.Height))
                {
                    throw GatewayErrors.InvalidArgument(
                        field, $"the mask is {mask.Width}×{mask.Height} but the picture is {content.Width}×{content.Height}: a mask needs the picture's aspect ratio (it may be smaller).",
                        "MASK_SIZE_MISMATCH");
                }
            }

            regions.Add(new RegionSpec(styles.MoveToImmutable(), mask));
        }

        var method = header.Method.ToFarm()!.Value;
        return new FarmRenderRequest(jobId, content, method == FarmMethod.Optimize ? RenderJobSpec.OptimizationNetwork : header.Model, regions.MoveToImmutable())
        {
            Alpha = header.HasAlpha ? header.Alpha : 1f,
            Color = header.Color.ToFarm()!.Value,
            TileSize = header.TileSize,
            Overlap = header.Overlap,
            StyleSize = header.StyleSize,
            Deadline = deadline,
            Caller = caller,
            Method = method,
            CoarseIterations = header.CoarseIterations,
            RefineIterations = header.RefineIterations,
            KeepDecoderColors = header.KeepDecoderColors,
            Seed = header.Seed,
        };
    }
}
