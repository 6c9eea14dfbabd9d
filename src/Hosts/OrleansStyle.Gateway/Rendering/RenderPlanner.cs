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
        var problems = HeaderRules.Open(header.UploadBytes, header.JobId, _options.MaxUploadBytes);
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

        if (Neural.FeedForward.StrokeScaling.Problem(header.StrokeScale) is { } strokeProblem)
        {
            problems.Add(("stroke_scale", strokeProblem));
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

        if (header.StrokeScale != 0 && method == FarmMethod.Optimize)
        {
            problems.Add(("stroke_scale", "stroke_scale applies to FEED_FORWARD renders; optimisation sizes its strokes with style_size."));
        }

        HeaderRules.CheckRegions(header.Regions, model, header.Model, problems);

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

            var mask = HeaderRules.Mask(_reader, region, r, name => upload.Get(ImagePart.Mask, name), content.Width, content.Height);
            regions.Add(new RegionSpec(styles.MoveToImmutable(), mask));
        }

        var method = header.Method.ToFarm()!.Value;
        return new FarmRenderRequest(jobId, content, method == FarmMethod.Optimize ? RenderJobSpec.OptimizationNetwork : header.Model, regions.MoveToImmutable())
        {
            Options = header.ToRenderOptions(),
            Deadline = deadline,
            Caller = caller,
        };
    }
}
