using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OrleansStyle.Farm.Spool;

namespace OrleansStyle.Farm.Tests;

public sealed class SpoolTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"orleansstyle-spool-test-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_tile_written_twice_is_written_once_and_the_first_bytes_stand()
    {
        var spool = Spool(TimeProvider.System);

        // Eight writers of one item at once, each with its own bytes: one wins, the rest change nothing.
        var contents = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 64 << 10).ToArray()).ToList();
        var wins = await Task.WhenAll(contents.Select(c => Task.Run(() => spool.TryWriteAsync("job-1", "tile-000003", c))));

        Assert.Single(wins, won => won);
        var stored = await spool.ReadAsync("job-1", "tile-000003");
        Assert.Equal(contents[Array.IndexOf(wins, true)], stored);
        Assert.False(await spool.TryWriteAsync("job-1", "tile-000003", new byte[] { 1, 2, 3 }));
        Assert.Equal(contents[Array.IndexOf(wins, true)], await spool.ReadAsync("job-1", "tile-000003"));
        Assert.Equal(["tile-000003"], spool.Keys("job-1")); // no temporary files left behind
    }

    [Fact]
    public async Task Jobs_are_apart_deleted_whole_and_missing_items_say_so()
    {
        var spool = Spool(TimeProvider.System);
        await spool.TryWriteAsync("a/../b", "spec", new byte[] { 1 });
        await spool.TryWriteAsync("a", "spec", new byte[] { 2 });

        Assert.Equal([1], await spool.ReadAsync("a/../b", "spec")); // ids with path characters get folders of their own
        Assert.Equal([2], await spool.ReadAsync("a", "spec"));
        Assert.Throws<ArgumentException>(() => spool.Exists("a", "../spec"));

        spool.DeleteJob("a");
        Assert.Empty(spool.Keys("a"));
        var missing = await Assert.ThrowsAsync<SpoolItemMissingException>(() => spool.ReadAsync("a", "spec"));
        Assert.Contains("Job a has no spooled 'spec'", missing.Message, StringComparison.Ordinal);
        Assert.Equal([1], await spool.ReadAsync("a/../b", "spec"));
    }

    [Fact]
    public async Task The_sweep_deletes_jobs_untouched_past_their_retention_only()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var spool = Spool(clock);
        await spool.TryWriteAsync("kept", "tile-000000", new byte[] { 1 });

        clock.Advance(TimeSpan.FromHours(12));
        Assert.Equal(0, spool.Sweep(TimeSpan.FromDays(1)));
        Assert.Equal(["tile-000000"], spool.Keys("kept"));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, spool.Sweep(TimeSpan.FromDays(1)));
        Assert.Empty(spool.Keys("kept"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private JobSpool Spool(TimeProvider time) => new(Options.Create(new SpoolOptions { Path = _root }), time);
}
