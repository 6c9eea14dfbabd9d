using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Spool;
using OrleansStyle.Farm.Video;

namespace OrleansStyle.Farm.Tests;

/// <summary>Video frames in a real spool folder: what a killed process leaves, frames rendered twice, other requests, the sweep.</summary>
public sealed class SpoolFrameStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"orleansstyle-frame-spool-test-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_frame_cut_short_by_a_killed_process_does_not_count_as_held()
    {
        var (spool, store) = Store();
        await store.OpenAsync("job", "request", 4, 2);
        await store.WriteAsync("job", 0, Frame(1));
        var frame1 = spool.PathOf(SpoolFrameStore.SpoolJobId("job"), SpoolFrameStore.FrameKey(1));
        await File.WriteAllBytesAsync($"{frame1}.0123456789abcdef.tmp", new byte[10]); // killed mid-write: the temporary name only

        var held = await Store().Store.OpenAsync("job", "request", 4, 2);

        Assert.Equal([0], held.Order());
        Assert.Equal(Frame(1).Data, (await store.ReadAsync("job", 0, 4, 2)).Data);
    }

    [Fact]
    public async Task A_frame_rendered_twice_keeps_the_first_bytes()
    {
        var (_, store) = Store();
        await store.OpenAsync("job", "request", 4, 2);

        await store.WriteAsync("job", 3, Frame(7));
        await store.WriteAsync("job", 3, Frame(9)); // a retried frame whose first attempt finished after all

        Assert.Equal(Frame(7).Data, (await store.ReadAsync("job", 3, 4, 2)).Data);
    }

    [Fact]
    public async Task Another_request_under_the_same_id_is_refused_and_the_frames_stay()
    {
        var (_, store) = Store();
        await store.OpenAsync("job", "request-a", 4, 2);
        await store.WriteAsync("job", 0, Frame(1));

        await Assert.ThrowsAsync<JobIdInUseException>(() => store.OpenAsync("job", "request-b", 4, 2));
        await Assert.ThrowsAsync<JobIdInUseException>(() => store.OpenAsync("job", "request-a", 2, 4)); // same request, other frame size

        Assert.Equal([0], (await store.OpenAsync("job", "request-a", 4, 2)).Order());
    }

    [Fact]
    public async Task Frames_are_apart_from_render_jobs_of_the_same_id_deleted_on_release_and_swept_when_abandoned()
    {
        var (spool, store) = Store();
        await spool.TryWriteAsync("job", RenderJobSpoolKeys.Spec, new byte[] { 1 }); // a render job of the same id
        await store.OpenAsync("job", "request", 4, 2);
        await store.WriteAsync("job", 0, Frame(1));
        await store.OpenAsync("abandoned", "request", 4, 2);

        store.Delete("job");
        Assert.Empty(spool.Keys(SpoolFrameStore.SpoolJobId("job")));
        Assert.Equal([RenderJobSpoolKeys.Spec], spool.Keys("job"));

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(2, spool.Sweep(TimeSpan.FromDays(1))); // the abandoned video job and the render job
        Assert.Empty(await store.OpenAsync("abandoned", "request", 4, 2));
    }

    private (JobSpool Spool, SpoolFrameStore Store) Store()
    {
        var spool = new JobSpool(Options.Create(new SpoolOptions { Path = _root }), _clock);
        return (spool, new SpoolFrameStore(spool));
    }

    private static PixelBuffer Frame(byte value) => new(4, 2, 3, Enumerable.Repeat(value, 24).ToArray());
}
