using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// The sequential end of a video job: frames come back from the farm in order and are blended with the previous
/// result warped along the content's optical flow (<see cref="TemporalBlender"/>) before they are encoded. The blend
/// needs the content frames, which the feeding side has long let go of, so this stage decodes the clip a second time
/// in step with the results: one frame in memory, and ffmpeg decodes far faster than the farm paints. The farm keeps
/// the unblended frames, so a resumed job blends them again from the first frame and gets the same bytes.
/// </summary>
internal sealed class TemporalFrameStage : IAsyncDisposable
{
    private readonly VideoFrameReader _content;
    private readonly TemporalBlender _blender;

    public TemporalFrameStage(FarmVideoRequest request, TemporalBlendOptions options)
    {
        _content = VideoFrameReader.Open(request.Clip, request.Width, request.Height, request.Segment);
        _blender = new TemporalBlender(options);
    }

    /// <summary>The blended version of the next frame in display order.</summary>
    public async ValueTask<PixelBuffer> BlendNextAsync(PixelBuffer stylised, CancellationToken cancellationToken)
    {
        var content = await _content.ReadAsync(cancellationToken)
            ?? throw new InvalidOperationException("The clip ended before the farm's frames did: it changed while the job ran.");

        // Flow and blending are CPU work for tens of milliseconds a frame: keep them off the caller's I/O continuation.
        return await Task.Run(() => _blender.Blend(content, stylised.ToPlanar()).ToPixelBuffer(), cancellationToken);
    }

    public ValueTask DisposeAsync() => _content.DisposeAsync();
}
