using System.Runtime.CompilerServices;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// A render job's event stream: finished tiles in the order they were announced, then the finish. Events are
/// numbered by position, so a watcher that reconnects (to this activation or to the next one, after its silo died)
/// continues from the number it stopped at. Only events whose state has been persisted are shown: a resumed
/// coordinator rebuilds the same sequence from its state, and a watcher never saw an event the next activation
/// would number differently. The pixels stay in the spool; <see cref="Read"/> loads each tile as it is sent.
/// </summary>
public sealed class JobEventStore(List<FinishedTile> finished)
{
    private readonly HashSet<int> _tiles = [.. finished.Select(f => f.Tile)];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Tile events watchers may see (persisted).</summary>
    public int Published { get; private set; }

    /// <summary>The finish, once persisted.</summary>
    public JobStatus? Final { get; private set; }

    public int Count => finished.Count;

    public bool Contains(int tile) => _tiles.Contains(tile);

    /// <summary>Adds a finished tile (not yet visible); false when the tile is already recorded.</summary>
    public bool Add(FinishedTile tile)
    {
        if (!_tiles.Add(tile.Tile))
        {
            return false;
        }

        finished.Add(tile);
        return true;
    }

    /// <summary>Shows the first <paramref name="tiles"/> events, and the finish when given: they are in storage now.</summary>
    public void Publish(int tiles, JobStatus? final)
    {
        Published = Math.Max(Published, tiles);
        Final ??= final;
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>Events from <paramref name="fromSequence"/> on, waiting for more until the finish.</summary>
    public async IAsyncEnumerable<JobEvent> Read(
        int fromSequence, Func<int, FinishedTile, CancellationToken, Task<TileRendered>> load, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var next = Math.Max(0, fromSequence); ;)
        {
            var changed = _changed.Task;
            while (next < Published)
            {
                yield return await load(next, finished[next], cancellationToken);
                next++;
            }

            if (Final is { } final)
            {
                yield return new JobFinished(Published, final);
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
