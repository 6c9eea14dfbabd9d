using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging.Temporal;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// The order an optimisation video job with a temporal tie (Ruder et al. 2016) renders its frames in: frame t waits
/// until frame t−1 is finished, then goes out with t−1's result warped onto it along the content's optical flow and
/// the occlusion mask of that warp (<see cref="FrameMotion"/>), which the device uses as warm start and temporal loss.
/// The first frame of the clip, and a frame whose predecessor was finished by an earlier run but not sent again, start
/// on their own. Holds the content of at most the window's frames plus the last one sent. Used on the job grain's
/// turns only, from its one render loop.
/// </summary>
internal sealed class TemporalFrameChain(Func<int, CancellationToken, Task<PixelBuffer>> readResult)
{
    private readonly SortedDictionary<int, TileWork> _waiting = [];
    private readonly Dictionary<int, PixelBuffer> _contents = []; // frames sent or finished whose successor has not gone yet

    /// <summary>The chain for a job, or null when its frames are independent.</summary>
    public static TemporalFrameChain? For(VideoJobSpec spec, Func<int, CancellationToken, Task<PixelBuffer>> readResult) =>
        spec.Options.Method == RenderMethod.Optimize && spec.Options.Temporal != VideoTemporalMode.Independent
            ? new TemporalFrameChain(readResult)
            : null;

    public int Waiting => _waiting.Count;

    /// <summary>A frame taken into the window: it goes once its predecessor is finished.</summary>
    public void Add(TileWork frame) => _waiting[frame.TileIndex] = frame;

    /// <summary>A frame a previous run finished, sent again by the caller: only its content is kept, for its successor's flow.</summary>
    public void Held(int index, PixelBuffer content, IReadOnlySet<int> done)
    {
        if (!done.Contains(index + 1))
        {
            _contents[index] = content;
        }
    }

    /// <summary>The frames whose predecessor is finished (or that have none), each with its link to that predecessor.</summary>
    public async Task<IReadOnlyList<TileWork>> ReadyAsync(IReadOnlySet<int> done, CancellationToken cancellationToken)
    {
        var ready = new List<TileWork>();
        foreach (var (index, frame) in _waiting.ToList())
        {
            var previous = index - 1;
            if (index > 0 && !done.Contains(previous))
            {
                continue; // t−1 is still waiting or rendering
            }

            _waiting.Remove(index);
            _contents[index] = frame.Content;
            if (_contents.Remove(previous, out var previousContent))
            {
                var result = await readResult(previous, cancellationToken);
                ready.Add(frame with { Previous = await Task.Run(() => Link(previousContent, frame.Content, result), cancellationToken), Pyramid = false });
            }
            else
            {
                ready.Add(frame); // the clip's first frame, or a resumed chain whose previous content was not sent again
            }
        }

        return ready;
    }

    /// <summary>The previous result warped onto this frame along the content's flow, and where that warp is trusted.</summary>
    internal static TemporalLink Link(PixelBuffer previousContent, PixelBuffer content, PixelBuffer previousResult)
    {
        var motion = FrameMotion.Estimate(previousContent.ToPlanar(), content.ToPlanar());
        var warped = motion.Backward.Warp(previousResult.ToPlanar());
        var trust = new byte[motion.Trusted.Length];
        for (var i = 0; i < trust.Length; i++)
        {
            trust[i] = motion.Trusted[i] > 0.5f ? (byte)255 : (byte)0;
        }

        return new TemporalLink(warped.ToPixelBuffer(), new PixelBuffer(content.Width, content.Height, 1, trust));
    }
}
