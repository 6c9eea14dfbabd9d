using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Sends a job's work items (tiles, or the one statistics capture or coarse pass) to device workers: the
/// least-loaded usable worker gets the next item (<see cref="TileRouter"/>); a refusal (full queue) resends it after
/// a back-off without counting an attempt; a failure retries it elsewhere; after
/// <see cref="JobOptions.MaxAttemptsPerTile"/> attempts the job fails with the item's last error. The one retry loop
/// of the coordinator. <paramref name="maxInFlightPerWorker"/> lowers <see cref="JobOptions.MaxInFlightPerWorker"/>
/// (see <see cref="JobOptions.InFlightPerWorker"/>).
/// </summary>
public sealed class TileScheduler(WorkerDirectory directory, IGrainFactory grains, JobOptions options, int? maxInFlightPerWorker = null)
{
    private readonly TileRouter _router = new(options, maxInFlightPerWorker: maxInFlightPerWorker);

    /// <summary>Attempts that failed and were retried (refusals are not failures).</summary>
    public int Retries { get; private set; }

    /// <summary>Reports each retry: item, worker, attempt, error.</summary>
    public Action<int, WorkerAddress, int, Exception>? OnRetry { get; init; }

    /// <summary>Runs one item (the statistics capture, the coarse pass) and returns its result.</summary>
    public async Task<T> RunOneAsync<T>(
        Func<IDeviceWorkerGrain, CancellationToken, Task<T>> dispatch, Func<Exception, bool> isRetryable, CancellationToken cancellationToken)
    {
        T result = default!;
        await RunAsync(
            [-1],
            (_, worker, token) => dispatch(worker, token),
            (_, value) =>
            {
                result = value;
                return Task.CompletedTask;
            },
            isRetryable,
            cancellationToken);
        return result;
    }

    /// <summary>
    /// Runs every item; <paramref name="completed"/> is awaited for each result in turn (recording is sequential, while
    /// dispatching keeps up to <see cref="JobOptions.MaxInFlightPerWorker"/> items on each worker).
    /// </summary>
    public async Task RunAsync<T>(
        IEnumerable<int> items,
        Func<int, IDeviceWorkerGrain, CancellationToken, Task<T>> dispatch,
        Func<int, T, Task> completed,
        Func<Exception, bool> isRetryable,
        CancellationToken token)
    {
        var pending = new Queue<int>(items);
        var attempts = new Dictionary<int, int>();
        var inFlight = new Dictionary<Task<T>, (int Item, WorkerAddress Worker)>();
        while (pending.Count > 0 || inFlight.Count > 0)
        {
            token.ThrowIfCancellationRequested();
            var workers = directory.ActiveWorkers();
            while (pending.Count > 0 && _router.Pick(workers) is { } worker)
            {
                var item = pending.Dequeue();
                attempts[item] = attempts.GetValueOrDefault(item) + 1;
                inFlight[dispatch(item, grains.GetGrain<IDeviceWorkerGrain>(worker.Key), token)] = (item, worker);
                _router.Started(worker);
            }

            if (inFlight.Count == 0)
            {
                if (workers.Count == 0)
                {
                    throw new InvalidOperationException("No device workers are available in the cluster: start a silo with a device.");
                }

                if (!_router.AnyUsable(workers))
                {
                    // Every worker failed twice, which a silo's death makes every caller see for a moment: try them
                    // again after the back-off. Each retry spends one of the item's attempts, so a real fault still ends the job.
                    _router.UnblockAll();
                }

                await Task.Delay(options.OverloadBackoff, token); // every worker is busy or backing off
                continue;
            }

            var done = await Task.WhenAny(inFlight.Keys);
            var (index, from) = inFlight[done];
            inFlight.Remove(done);
            _router.Finished(from);
            T result;
            try
            {
                result = await done;
                _router.Succeeded(from, QueueDepth(result));
            }
            catch (DeviceOverloadedException)
            {
                attempts[index]--; // refused, not failed: it never ran
                _router.Overloaded(from);
                pending.Enqueue(index);
                continue;
            }
            catch (Exception exception) when (isRetryable(exception))
            {
                _router.Failed(from);
                Retries++;
                OnRetry?.Invoke(index, from, attempts[index], exception);
                if (attempts[index] >= options.MaxAttemptsPerTile)
                {
                    var what = index < 0 ? "The job's first pass" : $"Tile {index}";
                    throw new InvalidOperationException($"{what} failed {attempts[index]} times; the last error: {exception.Message}", exception);
                }

                pending.Enqueue(index);
                continue;
            }

            await completed(index, result);
        }
    }

    private static int QueueDepth<T>(T result) => result is TileResult tile ? tile.QueueDepth : 0;
}
