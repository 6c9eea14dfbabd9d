using Microsoft.Extensions.Options;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Farm.Video;

namespace OrleansStyle.Farm.Tests;

/// <summary>The video frame store on a real folder: what a killed process leaves, abandoned jobs, ids as folder names.</summary>
public sealed class DirectoryFrameStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("orleans-style-frame-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_half_written_or_short_frame_left_by_a_killed_process_does_not_count_as_held()
    {
        var store = Store();
        store.Open("job", "request", 4, 2);
        await store.WriteAsync("job", 0, new PixelBuffer(4, 2, 3, new byte[24]));
        await File.WriteAllBytesAsync(Path.Combine(_root, "job", "000001.rgb.tmp-0123"), new byte[10]); // killed mid-write
        await File.WriteAllBytesAsync(Path.Combine(_root, "job", "000002.rgb"), new byte[10]); // not a whole frame

        var held = Store().Open("job", "request", 4, 2);

        Assert.Equal([0], held.Order());
        Assert.False(File.Exists(Path.Combine(_root, "job", "000001.rgb.tmp-0123")));
    }

    [Fact]
    public void Frames_of_a_job_untouched_for_longer_than_KeepAbandonedFor_are_deleted_and_recent_ones_kept()
    {
        Store().Open("old", "request", 4, 2);
        Store().Open("recent", "request", 4, 2);
        Directory.SetLastWriteTimeUtc(Path.Combine(_root, "old"), DateTime.UtcNow.AddHours(-3));

        Store(TimeSpan.FromHours(1)).Open("new", "request", 4, 2);

        Assert.Equal(["new", "recent"], Directory.GetDirectories(_root).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    public void A_job_id_that_is_not_a_plain_name_is_refused_and_creates_nothing(string jobId)
    {
        Assert.Throws<InvalidJobException>(() => Store().Open(jobId, "request", 4, 2));

        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    private DirectoryFrameStore Store(TimeSpan? keepAbandonedFor = null) =>
        new(Options.Create(new VideoOptions { SpoolDirectory = _root, KeepAbandonedFor = keepAbandonedFor ?? TimeSpan.FromDays(2) }));
}
