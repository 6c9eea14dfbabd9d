using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;
using OrleansStyle.Gateway.Catalog;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;
using OrleansStyle.Neural.FeedForward;
using FarmStyleWeight = OrleansStyle.Farm.Jobs.StyleWeight;
using RenderMethod = OrleansStyle.Gateway.V1.RenderMethod;

namespace OrleansStyle.Gateway.Video;

/// <summary>
/// Checks a video header before any chunk is accepted (options, model, styles, library clip), then probes the clip and
/// states the job as an in-process caller would (<see cref="FarmVideoRequest"/>).
/// </summary>
public sealed class VideoPlanner(ModelCatalog catalog, StyleLibrary styles, ClipLibrary clips, IOptions<GatewayOptions> options)
{
    public const int MinPreviewSide = 16;
    public const int MaxPreviewSide = 512;

    /// <summary>The most optimisation iterations per frame a header may ask for.</summary>
    public const int MaxIterations = 10_000;

    private readonly GatewayOptions _options = options.Value;
    private readonly SafeImageReader _reader = new(new ImageLimits { MaxPixels = options.Value.MaxPixels, MaxBytes = options.Value.MaxUploadBytes });

    /// <summary>Every problem with the header at once (INVALID_ARGUMENT), an unknown model or library clip (NOT_FOUND), or a declared upload over the limit.</summary>
    public void Validate(VideoHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var problems = HeaderRules.Open(header.UploadBytes, header.JobId, _options.MaxUploadBytes);
        if (header.JobId is "." or "..")
        {
            problems.Add(("job_id", $"'{header.JobId}' is not a job id: {JobIds.Rule}, or leave it empty.")); // it names the job's work folder
        }

        if (header.Color is not (ColorMode.Unspecified or ColorMode.Style or ColorMode.LuminanceOnly or ColorMode.PreserveContentColors))
        {
            problems.Add(("color", $"{header.Color} is not available for video: use STYLE, LUMINANCE_ONLY or PRESERVE_CONTENT_COLORS."));
        }

        if (header.OutputFormat is not (VideoFormat.Unspecified or VideoFormat.Mp4 or VideoFormat.Webm))
        {
            problems.Add(("output_format", $"unknown output format {header.OutputFormat}: use MP4 or WEBM."));
        }

        if (header.Statistics is not (VideoStatistics.Unspecified or VideoStatistics.Clip or VideoStatistics.Frame))
        {
            problems.Add(("statistics", $"unknown statistics mode {header.Statistics}: use CLIP or FRAME."));
        }

        if (header.MaxSide is < 0 or (> 0 and < 16) or > 8192)
        {
            problems.Add(("max_side", "use 0 (keep the clip's size) or a long side of 16–8192 pixels."));
        }

        if (header.PreviewSide != 0 && header.PreviewSide is < MinPreviewSide or > MaxPreviewSide)
        {
            problems.Add(("preview_side", $"use 0 (no previews) or {MinPreviewSide}–{MaxPreviewSide}."));
        }

        if (header.StyleSize is < 0 or > RenderPlanner.MaxStyleSide)
        {
            problems.Add(("style_size", $"use 0 (the farm chooses) up to {RenderPlanner.MaxStyleSide}."));
        }

        if (header.HasStartSeconds && (!double.IsFinite(header.StartSeconds) || header.StartSeconds < 0))
        {
            problems.Add(("start_seconds", $"{header.StartSeconds}: use a non-negative number of seconds."));
        }

        if (header.HasDurationSeconds && (!double.IsFinite(header.DurationSeconds) || header.DurationSeconds <= 0))
        {
            problems.Add(("duration_seconds", $"{header.DurationSeconds}: use a positive number of seconds."));
        }

        if (header.LibraryClip.Length > 0 && clips.Find(header.LibraryClip) is null)
        {
            throw GatewayErrors.NotFound($"The clip library has no clip '{header.LibraryClip}'; it has: {string.Join(", ", clips.Names())} (Video.ListClips).", "CLIP_NOT_FOUND");
        }

        var optimize = header.Method == RenderMethod.Optimize;
        StyleModelInfo? model = null;
        if (header.Method is not (RenderMethod.Unspecified or RenderMethod.FeedForward or RenderMethod.Optimize))
        {
            problems.Add(("method", $"unknown method {header.Method}: use FEED_FORWARD (a model) or OPTIMIZE (the paintings of the region)."));
        }
        else if (optimize)
        {
            CheckOptimization(header, problems);
        }
        else
        {
            CheckModelTemporal(header, problems);
            if (header.Model.Length == 0)
            {
                problems.Add(("model", "name a feed-forward model of the registry (Models.ListModels), or set method OPTIMIZE to optimise towards the paintings you send."));
            }
            else
            {
                model = catalog.Describe(header.Model).Info; // ModelNotFoundException → NOT_FOUND
            }
        }

        if (header.HasAlpha && model is { Kind: not StyleModelKind.AdaIn })
        {
            problems.Add(("alpha", $"alpha applies to AdaIN models only, not to model '{header.Model}'."));
        }
        else if (header.HasAlpha && (!float.IsFinite(header.Alpha) || header.Alpha is < 0 or > 1))
        {
            problems.Add(("alpha", $"{header.Alpha}: use 0 (content) to 1 (full style)."));
        }

        HeaderRules.CheckRegions(header.Regions, model, header.Model, problems);
        for (var r = 0; r < (optimize ? 0 : header.Regions.Count); r++) // OPTIMIZE takes one region without a mask (above)
        {
            if (header.Regions.Count > 1 && header.Regions[r].MaskImage.IsEmpty && header.Regions[r].Mask.Length == 0)
            {
                problems.Add(($"regions[{r}].mask_image", "with several regions every region needs its mask (invert_mask gives the rest of the frame)."));
            }
        }

        if (problems.Count > 0)
        {
            throw GatewayErrors.InvalidArguments(problems, "INVALID_HEADER");
        }
    }

    /// <summary>OPTIMIZE: paintings of one region, no model or model-only options, and a temporal mode that ties optimised frames.</summary>
    private static void CheckOptimization(VideoHeader header, List<(string Field, string Problem)> problems)
    {
        if (header.Model.Length > 0)
        {
            problems.Add(("model", "OPTIMIZE needs no model: leave model empty and send the paintings as the region's styles."));
        }

        if (header.HasAlpha)
        {
            problems.Add(("alpha", "alpha applies to AdaIN models, not to OPTIMIZE."));
        }

        if (header.Statistics != VideoStatistics.Unspecified)
        {
            problems.Add(("statistics", "OPTIMIZE has no normalisation statistics to freeze: leave statistics unset."));
        }

        if (header.Regions.Count != 1 || header.Regions[0].Mask.Length > 0 || !header.Regions[0].MaskImage.IsEmpty)
        {
            problems.Add(("regions", "OPTIMIZE takes one region without a mask: its styles are the paintings every frame is optimised towards."));
        }

        if (header.Temporal == VideoTemporal.Blend)
        {
            problems.Add(("temporal", "BLEND is for models; with OPTIMIZE use RUDER (warm start and temporal loss), WARM or OFF."));
        }
        else if (header.Temporal is not (VideoTemporal.Unspecified or VideoTemporal.Ruder or VideoTemporal.Warm or VideoTemporal.Off))
        {
            problems.Add(("temporal", $"unknown temporal mode {header.Temporal}: use RUDER, WARM or OFF."));
        }

        if (header.Iterations is < 0 or > MaxIterations)
        {
            problems.Add(("iterations", $"{header.Iterations}: use 1–{MaxIterations} iterations per frame, or 0 for the farm's default ({VideoJobSpec.DefaultOptimizationIterations})."));
        }

        if (header.HasTemporalWeight && (header.Temporal is not (VideoTemporal.Unspecified or VideoTemporal.Ruder) || !float.IsFinite(header.TemporalWeight) || header.TemporalWeight <= 0))
        {
            problems.Add(("temporal_weight", $"{header.TemporalWeight}: the temporal loss's weight needs temporal RUDER and a positive number."));
        }

        if (header.Temporal != VideoTemporal.Off && header.Color is not (ColorMode.Unspecified or ColorMode.Style or ColorMode.LuminanceOnly))
        {
            problems.Add(("color", $"{header.Color} puts the content's chroma back after each frame, which the next frame's temporal term cannot match: use STYLE or LUMINANCE_ONLY, or temporal OFF."));
        }
    }

    /// <summary>A model's frames are blended or independent; the optimisation-only options are refused.</summary>
    private static void CheckModelTemporal(VideoHeader header, List<(string Field, string Problem)> problems)
    {
        if (header.Temporal is VideoTemporal.Ruder or VideoTemporal.Warm)
        {
            problems.Add(("temporal", $"{header.Temporal} ties optimised frames together: set method OPTIMIZE, or use BLEND or OFF with a model."));
        }
        else if (header.Temporal is not (VideoTemporal.Unspecified or VideoTemporal.Blend or VideoTemporal.Off))
        {
            problems.Add(("temporal", $"unknown temporal mode {header.Temporal}: use BLEND or OFF."));
        }

        if (header.Iterations != 0)
        {
            problems.Add(("iterations", "iterations apply to method OPTIMIZE only."));
        }

        if (header.HasTemporalWeight)
        {
            problems.Add(("temporal_weight", "the temporal loss's weight applies to method OPTIMIZE only."));
        }
    }

    /// <summary>The library clip the header names, or null when the clip is uploaded.</summary>
    public string? LibraryClip(VideoHeader header) => header.LibraryClip.Length > 0 ? clips.Find(header.LibraryClip) : null;

    /// <summary>
    /// Probes the clip (not a video, corrupt, no video track, over the limits: INVALID_ARGUMENT with reason
    /// VIDEO_REJECTED, before any frame is rendered) and builds the farm request.
    /// </summary>
    public async Task<(FarmVideoRequest Request, string MediaType)> BuildAsync(
        VideoHeader header, string clip, VideoUpload upload, string jobId, string caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(upload);
        VideoInfo info;
        try
        {
            info = await VideoProbe.ProbeAsync(clip, cancellationToken: cancellationToken);
        }
        catch (VideoRejectedException rejected)
        {
            // ffprobe names the file by its path at the gateway: callers hear of their clip, never of server paths.
            var name = header.LibraryClip.Length > 0 ? header.LibraryClip : "The uploaded clip";
            var message = rejected.Message.Replace(clip, name, StringComparison.Ordinal);
            throw GatewayErrors.InvalidArgument("clip", message.StartsWith(Path.GetFileName(clip) + " ", StringComparison.Ordinal) ? name + message[Path.GetFileName(clip).Length..] : message, "VIDEO_REJECTED");
        }

        if (header.HasStartSeconds && header.StartSeconds >= info.Duration.TotalSeconds)
        {
            throw GatewayErrors.InvalidArgument("start_seconds", $"{header.StartSeconds} is outside the clip, which lasts {info.Duration.TotalSeconds:0.###} s.", "INVALID_HEADER");
        }

        var segment = new VideoSegment(
            header.HasStartSeconds ? TimeSpan.FromSeconds(header.StartSeconds) : null,
            header.HasDurationSeconds ? TimeSpan.FromSeconds(header.DurationSeconds) : null);
        var scale = header.MaxSide > 0 ? Math.Min(1, (double)header.MaxSide / Math.Max(info.Width, info.Height)) : 1;
        var width = Math.Max(2, (int)Math.Round(info.Width * scale)) & ~1; // 4:2:0 chroma needs even sides
        var height = Math.Max(2, (int)Math.Round(info.Height * scale)) & ~1;
        if (RenderJobSpec.ShapeProblem(width, height) is { } shape)
        {
            throw GatewayErrors.InvalidArgument("clip", shape.Replace("the picture", "the frame", StringComparison.Ordinal), "VIDEO_REJECTED");
        }

        var optimize = header.Method == RenderMethod.Optimize;
        var model = optimize ? null : catalog.Describe(header.Model).Info;
        var regions = ImmutableArray.CreateBuilder<RegionSpec>(header.Regions.Count);
        for (var r = 0; r < header.Regions.Count; r++)
        {
            var region = header.Regions[r];
            var weights = ImmutableArray.CreateBuilder<FarmStyleWeight>(region.Styles.Count);
            for (var s = 0; s < region.Styles.Count; s++)
            {
                var style = region.Styles[s];
                var weight = style.HasWeight ? style.Weight : 1f;
                if (model is { Kind: not StyleModelKind.AdaIn })
                {
                    weights.Add(FarmStyleWeight.Trained(style.Name, weight));
                    continue;
                }

                var field = $"regions[{r}].styles[{s}]";
                var bytes = upload.Style(style.Name) ?? (styles.Find(style.Name) is not null
                    ? await styles.ReadAsync(style.Name, cancellationToken)
                    : throw GatewayErrors.InvalidArgument(field, $"{(optimize ? "OPTIMIZE" : "AdaIN")} takes style images: send the image as STYLE chunks named '{style.Name}', or name a style of the library (Styles.ListStyles)."));
                var image = ImageDecoding.ReadRgb(_reader, bytes, field);
                // Optimisation uses a painting at the frame's size (it rides with every frame); AdaIN at most at MaxStyleSide.
                var longSide = optimize ? Math.Min(Math.Max(width, height), RenderPlanner.MaxStyleSide) : RenderPlanner.MaxStyleSide;
                weights.Add(FarmStyleWeight.FromImage(style.Name, Math.Max(image.Width, image.Height) > longSide ? image.Thumbnail(longSide) : image, weight));
            }

            // A static mask for every frame: inline, or the MASK part named in the header.
            regions.Add(new RegionSpec(weights.MoveToImmutable(), HeaderRules.Mask(_reader, region, r, upload.Mask, width, height)));
        }

        var temporal = header.Temporal switch
        {
            VideoTemporal.Unspecified => optimize ? VideoTemporal.Ruder : VideoTemporal.Blend,
            var chosen => chosen,
        };
        var request = new FarmVideoRequest(jobId, clip, info, segment, width, height, optimize ? "optimize" : header.Model, regions.MoveToImmutable())
        {
            Options = new RenderOptions
            {
                Method = optimize ? Farm.Jobs.RenderMethod.Optimize : Farm.Jobs.RenderMethod.FeedForward,
                CoarseIterations = header.Iterations,
                Temporal = temporal switch
                {
                    VideoTemporal.Ruder => VideoTemporalMode.WarmStartAndLoss,
                    VideoTemporal.Warm => VideoTemporalMode.WarmStart,
                    _ => VideoTemporalMode.Independent,
                },
                TemporalWeight = header.HasTemporalWeight ? header.TemporalWeight : 0,
                Alpha = header.HasAlpha ? header.Alpha : 1f,
                Color = header.Color switch
                {
                    ColorMode.LuminanceOnly => ColorControlMode.LuminanceOnly,
                    ColorMode.PreserveContentColors => ColorControlMode.PreserveContentColors,
                    _ => ColorControlMode.Style,
                },
                StyleSize = header.StyleSize,
                KeepDecoderColors = header.KeepDecoderColors,
            },
            FreezeStatistics = !optimize && header.Statistics != VideoStatistics.Frame,
            Temporal = temporal == VideoTemporal.Blend ? TemporalBlendOptions.Default : null,
            Caller = caller,
        };
        return (request, header.OutputFormat == VideoFormat.Webm ? "video/webm" : "video/mp4");
    }
}
