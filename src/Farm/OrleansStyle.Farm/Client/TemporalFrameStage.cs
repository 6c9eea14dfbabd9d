using System.Threading.Channels;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;
using OrleansStyle.Imaging.Temporal;
using OrleansStyle.Imaging.Video;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// The sequential end of a video job: frames come back from the farm in order and are blended with the previous
/// result warped along the content's optical flow (<see cref="TemporalBlender"/>) before they are encoded. The blend
/// needs the content frames, which the feeding side has long let go of, so this stage decodes the clip a second time.
/// Flow depends only on content frames, so the motion of the next few frames (two half-scale Farnebäck flows and the
/// occlusion mask each: <see cref="TemporalBlender.EstimateMotion"/>) is estimated ahead, in parallel, while the farm
/// paints; the ordered step is only the warp and blend. The farm keeps the unblended frames, so a resumed job blends
/// them again from the first frame and gets the same bytes.
/// </summary>
internal sealed class TemporalFrameStage : IAsyncDisposable
{
    /// <summary>Memory the frames estimated ahead may hold (content and motion: about 24 bytes a pixel).</summary>
    private const long LookaheadBytes = 256L << 20;

    private const int MaxLookahead = 4;

    private readonly VideoFrameReader _content;
    private readonly TemporalBlender _blender;
    private readonly Channel<(PlanarImage Content, Task<FrameMotion?> Motion)> _ahead;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;

    public TemporalFrameStage(FarmVideoRequest request, TemporalBlendOptions options)
    {
        _content = VideoFrameReader.Open(request.Clip, request.Width, request.Height, request.Segment);
        _blender = new TemporalBlender(options);
        var lookahead = (int)Math.Clamp(LookaheadBytes / (24L * request.Width * request.Height), 1, MaxLookahead);
        _ahead = Channel.CreateBounded<(PlanarImage, Task<FrameMotion?>)>(new BoundedChannelOptions(lookahead) { SingleReader = true, SingleWriter = true });
        _producer = Task.Run(() => EstimateAheadAsync(_stop.Token));
    }

    /// <summary>The blended version of the next frame in display order.</summary>
    public async ValueTask<PixelBuffer> BlendNextAsync(PixelBuffer stylised, CancellationToken cancellationToken)
    {
        if (!await _ahead.Reader.WaitToReadAsync(cancellationToken) || !_ahead.Reader.TryRead(out var next))
        {
            throw new InvalidOperationException("The clip ended before the farm's frames did: it changed while the job ran.");
        }

        var motion = await next.Motion.WaitAsync(cancellationToken);

        // Warping and blending take tens of milliseconds a frame: keep them off the caller's I/O continuation.
        return await Task.Run(() => _blender.Blend(next.Content, stylised.ToPlanar(), motion).ToPixelBuffer(), cancellationToken);
    }

    /// <summary>Decodes the content frames and starts each one's motion estimate as soon as it is read (bounded by the channel).</summary>
    private async Task EstimateAheadAsync(CancellationToken token)
    {
        try
        {
            PlanarImage? previous = null;
            while (await _content.ReadAsync(token) is { } content)
            {
                var from = previous;
                var motion = from is null ? Task.FromResult<FrameMotion?>(null) : Task.Run(() => (FrameMotion?)TemporalBlender.EstimateMotion(from, content), token);
                await _ahead.Writer.WriteAsync((content, motion), token);
                previous = content;
            }

            _ahead.Writer.TryComplete();
        }
        catch (Exception exception)
        {
            _ahead.Writer.TryComplete(exception); // the ordered side sees the decoder's failure
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _producer; // never throws: failures end the channel; estimates still running hold only their own frames
        await _content.DisposeAsync();
        _stop.Dispose();
    }
}
