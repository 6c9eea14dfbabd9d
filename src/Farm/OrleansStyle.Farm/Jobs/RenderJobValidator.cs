using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Models;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Everything a render spec can be refused for before any pixel arrives (size, model, regions, weights, masks,
/// thumbnail, options), all problems in one message. The aspect-ratio rule is <see cref="PictureAspect"/>, the same
/// one the gateway checks uploads with.
/// </summary>
public sealed class RenderJobValidator(IModelRegistry models, IOptions<JobOptions> options)
{
    /// <summary>Masks and style images ride in the spec and in every tile's work: keep them far below Orleans' message cap.</summary>
    public const int MaxInlineBytes = 16 << 20;

    public void Validate(RenderJobSpec spec)
    {
        var problems = new List<string>();
        if (spec.Width < 1 || spec.Height < 1 || (long)spec.Width * spec.Height > options.Value.MaxPixels)
        {
            problems.Add($"The picture is {spec.Width}×{spec.Height}: give a positive size of at most {options.Value.MaxPixels} pixels.");
        }
        else if (RenderJobSpec.ShapeProblem(spec.Width, spec.Height) is { } shape)
        {
            throw new InvalidJobException(char.ToUpperInvariant(shape[0]) + shape[1..]); // the thumbnail checks below would only restate it
        }

        if (spec.Method == RenderMethod.Optimize)
        {
            if (spec.Regions.SelectMany(r => r.Styles).Any(s => s.Image is null))
            {
                problems.Add("Optimisation jobs need every style as an image.");
            }
        }
        else if (!models.Contains(spec.Model))
        {
            throw new ModelNotFoundException($"No model '{spec.Model}'. Known models: {string.Join(", ", models.Names())}.");
        }

        if (spec.Regions.IsDefaultOrEmpty)
        {
            problems.Add("Give at least one region with a style.");
        }
        else
        {
            for (var r = 0; r < spec.Regions.Length; r++)
            {
                var region = spec.Regions[r];
                if (region.Styles.IsDefaultOrEmpty || region.Styles.Any(s => !float.IsFinite(s.Weight) || s.Weight < 0) || !(region.Styles.Sum(s => s.Weight) > 0))
                {
                    problems.Add($"Region {r}: give at least one style, with finite non-negative weights that are not all zero.");
                }

                if (region.Mask is { } mask)
                {
                    problems.AddRange(mask.Validate($"Region {r}'s mask"));
                    if (mask.ByteCount > MaxInlineBytes)
                    {
                        problems.Add($"Region {r}'s mask is {mask.Width}×{mask.Height}: send masks of at most {MaxInlineBytes >> 20} MiB (a lower resolution is scaled to each tile).");
                    }

                    if (mask.Channels != 1)
                    {
                        problems.Add($"Region {r}'s mask has {mask.Channels} channels: masks are one grey channel.");
                    }
                    else if (!PictureAspect.Matches(mask.Width, mask.Height, spec.Width, spec.Height))
                    {
                        problems.Add($"Region {r}'s mask is {mask.Width}×{mask.Height} but the picture is {spec.Width}×{spec.Height}: a mask needs the picture's aspect ratio.");
                    }
                }

                foreach (var style in region.Styles.Where(s => s.Image is not null))
                {
                    problems.AddRange(style.Image!.Validate($"Style image '{style.Name}'"));
                    if (style.Image.ByteCount > MaxInlineBytes)
                    {
                        problems.Add($"Style image '{style.Name}' is {style.Image.Width}×{style.Image.Height}: send style images of at most {MaxInlineBytes >> 20} MiB.");
                    }

                }
            }
        }

        problems.AddRange(spec.Thumbnail.Validate("The thumbnail"));
        if (spec.Thumbnail.ByteCount > MaxInlineBytes)
        {
            problems.Add($"The thumbnail is {spec.Thumbnail.Width}×{spec.Thumbnail.Height}: a long side of {RenderJobSpec.StatisticsSize} is plenty.");
        }

        if (spec.Thumbnail.Channels != 3 || !PictureAspect.Matches(spec.Thumbnail.Width, spec.Thumbnail.Height, spec.Width, spec.Height))
        {
            problems.Add($"The thumbnail is {spec.Thumbnail.Width}×{spec.Thumbnail.Height}×{spec.Thumbnail.Channels}: it must be RGB with the picture's aspect ratio.");
        }

        if (spec.Color == ColorControlMode.MatchContentColors)
        {
            problems.Add("MatchContentColors is not applied per tile: recolour the style images to the content before submitting (the farm client does) and send Style.");
        }

        if (!float.IsFinite(spec.Alpha) || spec.Alpha is < 0 or > 1)
        {
            problems.Add($"Alpha is {spec.Alpha}: use 0 (content) to 1 (full style).");
        }

        if (spec.TileSize is < 0 or (> 0 and < 64) || spec.Overlap < 0)
        {
            problems.Add($"Tile size {spec.TileSize} / overlap {spec.Overlap}: use 0 (automatic) or a tile of at least 64 pixels and a non-negative overlap.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidJobException(string.Join(" ", problems));
        }
    }
}
