using Google.Protobuf.WellKnownTypes;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.V1;
using FarmColor = OrleansStyle.Farm.Jobs.ColorControlMode;
using FarmMethod = OrleansStyle.Farm.Jobs.RenderMethod;
using FarmState = OrleansStyle.Farm.Jobs.JobState;
using ImagingFormat = OrleansStyle.Imaging.OutputFormat;
using WireFormat = OrleansStyle.Gateway.V1.OutputFormat;
using WireMethod = OrleansStyle.Gateway.V1.RenderMethod;
using WireState = OrleansStyle.Gateway.V1.JobState;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>Between the farm's records and the wire messages of orleansstyle.v1.</summary>
public static class WireMapping
{
    public static JobInfo ToWire(this JobStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var info = new JobInfo
        {
            JobId = status.JobId,
            State = status.State.ToWire(),
            Width = status.Width,
            Height = status.Height,
            TileSize = status.TileSize,
            Overlap = status.Overlap,
            TilesDone = status.TilesDone,
            TilesTotal = status.TilesTotal,
            Error = status.Error ?? "",
            Retries = status.Retries,
        };
        if (status.Eta is { } eta)
        {
            info.Eta = Duration.FromTimeSpan(eta);
        }

        return info;
    }

    public static WireState ToWire(this FarmState state) => state switch
    {
        FarmState.Receiving => WireState.Receiving,
        FarmState.Running => WireState.Running,
        FarmState.Completed => WireState.Completed,
        FarmState.Failed => WireState.Failed,
        FarmState.Cancelled => WireState.Cancelled,
        _ => WireState.Unspecified,
    };

    public static ImagingFormat ToImaging(this WireFormat format) => format switch
    {
        WireFormat.Unspecified or WireFormat.Png => ImagingFormat.Png,
        WireFormat.Jpeg => ImagingFormat.Jpeg,
        WireFormat.WebpLossless => ImagingFormat.WebpLossless,
        WireFormat.WebpLossy => ImagingFormat.WebpLossy,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };

    public static WireFormat ToWire(this ImagingFormat format) => format switch
    {
        ImagingFormat.Png => WireFormat.Png,
        ImagingFormat.Jpeg => WireFormat.Jpeg,
        ImagingFormat.WebpLossless => WireFormat.WebpLossless,
        ImagingFormat.WebpLossy => WireFormat.WebpLossy,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };

    public static bool IsKnown(this WireFormat format) => format is >= WireFormat.Unspecified and <= WireFormat.WebpLossy;

    /// <summary>The header's render options as the farm carries them to every tile (validated before: method and colour are known).</summary>
    public static RenderOptions ToRenderOptions(this RenderHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new RenderOptions
        {
            Method = header.Method.ToFarm()!.Value,
            Alpha = header.HasAlpha ? header.Alpha : 1f,
            Color = header.Color.ToFarm()!.Value,
            TileSize = header.TileSize,
            Overlap = header.Overlap,
            StyleSize = header.StyleSize,
            CoarseIterations = header.CoarseIterations,
            RefineIterations = header.RefineIterations,
            KeepDecoderColors = header.KeepDecoderColors,
            Seed = header.Seed,
            StrokeScale = header.StrokeScale,
        };
    }

    public static FarmMethod? ToFarm(this WireMethod method) => method switch
    {
        WireMethod.Unspecified or WireMethod.FeedForward => FarmMethod.FeedForward,
        WireMethod.Optimize => FarmMethod.Optimize,
        _ => null,
    };

    public static FarmColor? ToFarm(this ColorMode color) => color switch
    {
        ColorMode.Unspecified or ColorMode.Style => FarmColor.Style,
        ColorMode.LuminanceOnly => FarmColor.LuminanceOnly,
        ColorMode.MatchContentColors => FarmColor.MatchContentColors,
        ColorMode.PreserveContentColors => FarmColor.PreserveContentColors,
        _ => null,
    };

    public static Progress ToProgress(this JobStatus status, RenderStage stage)
    {
        ArgumentNullException.ThrowIfNull(status);
        var progress = new Progress { Stage = stage, TilesDone = status.TilesDone, TilesTotal = status.TilesTotal };
        if (status.Eta is { } eta)
        {
            progress.Eta = Duration.FromTimeSpan(eta);
        }

        return progress;
    }
}
