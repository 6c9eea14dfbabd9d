using System.Collections.Immutable;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Tests;

/// <summary>The order and links of an optimisation video job tied frame to frame (Ruder et al. 2016).</summary>
public sealed class TemporalFrameChainTests
{
    private const int Width = 40;
    private const int Height = 24;

    private static readonly RenderOptions Ruder = new() { Method = RenderMethod.Optimize, Temporal = VideoTemporalMode.WarmStartAndLoss };

    [Fact]
    public async Task Frame_t_goes_only_once_frame_t_minus_1_is_done_and_carries_its_result_warped_with_the_trust_mask()
    {
        var results = new Dictionary<int, PixelBuffer> { [0] = Solid(200, 40, 10) };
        var chain = new TemporalFrameChain((frame, _) => Task.FromResult(results[frame]));
        var content = Gradient(); // a still picture: the flow is zero and the warp returns the previous result
        for (var i = 0; i < 3; i++)
        {
            chain.Add(Frame(i, content));
        }

        var first = await chain.ReadyAsync(new HashSet<int>(), CancellationToken.None);
        var waiting = await chain.ReadyAsync(new HashSet<int>(), CancellationToken.None);
        var second = await chain.ReadyAsync(new HashSet<int> { 0 }, CancellationToken.None);

        Assert.Equal([0], first.Select(f => f.TileIndex));
        Assert.Null(first[0].Previous);
        Assert.Empty(waiting);
        var link = Assert.Single(second).Previous;
        Assert.NotNull(link);
        Assert.False(second[0].Pyramid); // the warm start is at full resolution
        Assert.All(link.Trust.Data, b => Assert.Equal(255, b));
        Assert.All(Enumerable.Range(0, Width * Height), i => Assert.InRange(link.Warped.Data[i * 3], 199, 201));
        Assert.Equal(1, chain.Waiting);
    }

    [Fact]
    public async Task A_resumed_chain_links_its_first_missing_frame_to_the_kept_result_of_the_frame_before()
    {
        var results = new Dictionary<int, PixelBuffer> { [4] = Solid(10, 200, 40) };
        var chain = new TemporalFrameChain((frame, _) => Task.FromResult(results[frame]));
        var done = new HashSet<int> { 0, 1, 2, 3, 4 };
        var content = Gradient();
        for (var i = 0; i < 5; i++)
        {
            chain.Held(i, content, done); // the caller sends the finished frames again; only frame 4's content is kept
        }

        chain.Add(Frame(5, content));
        var ready = await chain.ReadyAsync(done, CancellationToken.None);

        var link = Assert.Single(ready).Previous;
        Assert.NotNull(link);
        Assert.InRange(link.Warped.Data[1], 199, 201);
    }

    [Fact]
    public void Independent_frames_and_feed_forward_jobs_need_no_chain()
    {
        Assert.Null(TemporalFrameChain.For(Spec(Ruder with { Temporal = VideoTemporalMode.Independent }), (_, _) => throw new InvalidOperationException()));
        Assert.NotNull(TemporalFrameChain.For(Spec(Ruder), (_, _) => throw new InvalidOperationException()));
    }

    [Theory]
    [InlineData(RenderMethod.FeedForward, VideoTemporalMode.WarmStart, ColorControlMode.Style, 0f, "ties optimisation frames together")]
    [InlineData(RenderMethod.Optimize, VideoTemporalMode.WarmStart, ColorControlMode.Style, 100f, "needs the temporal loss")]
    [InlineData(RenderMethod.Optimize, VideoTemporalMode.WarmStartAndLoss, ColorControlMode.Style, -1f, "use a positive number")]
    [InlineData(RenderMethod.Optimize, VideoTemporalMode.WarmStartAndLoss, ColorControlMode.PreserveContentColors, 0f, "use Style or LuminanceOnly")]
    public void Temporal_options_that_cannot_work_are_refused_with_how_to_fix_them(RenderMethod method, VideoTemporalMode mode, ColorControlMode color, float weight, string message)
    {
        var problems = VideoJobSpec.OptimizationProblems(Spec(new RenderOptions { Method = method, Temporal = mode, Color = color, TemporalWeight = weight }));

        Assert.Contains(problems, p => p.Contains(message, StringComparison.Ordinal));
    }

    private static VideoJobSpec Spec(RenderOptions options) =>
        new("optimize", Width, Height, [RegionSpec.Everywhere(StyleWeight.FromImage("flat", Solid(1, 2, 3)))], Keyframes: null) { Options = options, Fingerprint = "f" };

    private static TileWork Frame(int index, PixelBuffer content) =>
        new("job", index, "optimize", content, ImmutableArray<RegionSpec>.Empty, Statistics: null) { Options = Ruder, Pyramid = true };

    private static PixelBuffer Solid(byte r, byte g, byte b)
    {
        var data = new byte[Width * Height * 3];
        for (var i = 0; i < data.Length; i += 3)
        {
            (data[i], data[i + 1], data[i + 2]) = (r, g, b);
        }

        return new PixelBuffer(Width, Height, 3, data);
    }

    private static PixelBuffer Gradient()
    {
        var data = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var i = ((y * Width) + x) * 3;
                (data[i], data[i + 1], data[i + 2]) = ((byte)(x * 6), (byte)(y * 10), (byte)((x + y) * 3));
            }
        }

        return new PixelBuffer(Width, Height, 3, data);
    }
}
