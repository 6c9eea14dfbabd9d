using Google.Protobuf.WellKnownTypes;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Video;
using OrleansStyle.Gateway.Rendering;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Gateway.Video;

internal static class VideoWire
{
    public static VideoJobInfo Info(FarmVideoRequest request, VideoJobStatus? status)
    {
        var info = new VideoJobInfo
        {
            JobId = request.JobId,
            State = status?.State.ToWire() ?? JobState.Running,
            Width = request.Width,
            Height = request.Height,
            FramesDone = status?.FramesDone ?? 0,
            FramesTotal = status?.FramesTotal ?? request.ExpectedFrames,
            FramesResumed = status?.FramesResumed ?? 0,
            FramesPerSecond = status?.FramesPerSecond ?? 0,
            Error = status?.Error ?? "",
            FrameRate = request.Info.FrameRate.ToString(),
            HasAudio = request.Info.HasAudio,
        };
        if (status?.Eta is { } eta)
        {
            info.Eta = Duration.FromTimeSpan(eta);
        }

        return info;
    }

    public static ClipInfo Clip(string name, VideoInfo info, long bytes) => new()
    {
        Name = name,
        Width = info.Width,
        Height = info.Height,
        FrameRate = info.FrameRate.ToString(),
        Frames = info.FrameCount,
        Duration = Duration.FromTimeSpan(info.Duration),
        Codec = info.Codec,
        HasAudio = info.HasAudio,
        FileBytes = bytes,
    };
}
