using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Client;

/// <summary>A render as a caller states it: the whole picture (RGB) and how to style it.</summary>
public sealed record FarmRenderRequest(string JobId, PixelBuffer Content, string Model, ImmutableArray<RegionSpec> Regions)
{
    /// <summary>How to render it; travels unchanged to the job's spec and every tile.</summary>
    public RenderOptions Options { get; init; } = RenderOptions.Default;

    public DateTimeOffset? Deadline { get; init; }

    public string? Caller { get; init; }
}
