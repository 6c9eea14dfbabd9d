namespace OrleansStyle.Farm.Client;

/// <summary>
/// The identity of a video request, under which its finished frames are kept for resuming: XxHash128 over the clip
/// file's bytes, the segment, the frame size and every style and option that changes a frame. Caller and output path
/// are left out: a resumed run may write elsewhere and still reuse the frames. Temporal blending is left out too: it
/// is applied to the kept frames as they are encoded.
/// </summary>
internal static class VideoFingerprint
{
    public static async Task<string> OfAsync(FarmVideoRequest request, CancellationToken cancellationToken)
    {
        var hash = new RequestHash();
        await using (var clip = File.OpenRead(request.Clip))
        {
            await hash.AddAsync(clip, cancellationToken);
        }

        return hash
            .Add($"{request.Segment.Start?.Ticks}|{request.Segment.Duration?.Ticks}|{request.Width}x{request.Height}|{request.Model}")
            .Add(request.Regions)
            .Add(request.Options)
            .Add(request.FreezeStatistics ? 1 : 0)
            .ToHex();
    }
}
