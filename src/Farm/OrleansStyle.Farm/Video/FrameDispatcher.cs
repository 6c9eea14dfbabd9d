using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Video;

/// <summary>
/// Sends a video job's frames to the device workers of the cluster as whole-picture tiles (so frames of one model
/// and size batch on devices that batch), least-loaded worker first, and retries a frame elsewhere when its worker
/// or silo fails, as the render coordinator does with tiles. Runs on the job grain's turns only.
/// </summary>
internal sealed class FrameDispatcher(JobOptions options, WorkerDirectory directory, IGrainFactory grains)
{
    private readonly TileRouter _router = new(options);
    private readonly Queue<TileWork> _pending = new();
    private readonly Dictionary<Task<TileResult>, (TileWork Work, WorkerAddress Worker)> _inFlight = [];
    private readonly Dictionary<int, int> _attempts = [];

    public int Retries { get; private set; }

    public bool Idle => _pending.Count == 0 && _inFlight.Count == 0;

    public void Enqueue(TileWork frame) => _pending.Enqueue(frame);

    /// <summary>
    /// Starts what the workers take (each frame with the clip's frozen statistics), then waits for one frame to finish or for <paramref name="wake"/> (new frames).
    /// Returns the finished frame, or null when woken, refused or retrying.
    /// </summary>
    public async Task<TileResult?> NextAsync(Task wake, FrozenStatistics? statistics, Action<string, int, string> onRetry, CancellationToken token)
    {
        var workers = directory.ActiveWorkers();
        while (_pending.Count > 0 && _router.Pick(workers) is { } worker)
        {
            var work = _pending.Dequeue() with { Statistics = statistics };
            _attempts[work.TileIndex] = _attempts.GetValueOrDefault(work.TileIndex) + 1;
            var device = grains.GetGrain<IDeviceWorkerGrain>(worker.Key);
            _inFlight[work.Options.Method == RenderMethod.Optimize ? device.Optimize(work, token) : device.Render(work, token)] = (work, worker); // optimisation has the long timeout
            _router.Started(worker);
        }

        if (_inFlight.Count == 0)
        {
            if (_pending.Count > 0)
            {
                if (!_router.AnyUsable(workers))
                {
                    throw new InvalidOperationException(
                        $"No usable device workers: {workers.Count} active, {_router.BlockedCount} blocked after repeated failures; {_pending.Count} frames waiting.");
                }

                await Task.WhenAny(wake, Task.Delay(options.OverloadBackoff, token)); // every worker is busy or backing off
            }
            else
            {
                await wake.WaitAsync(token);
            }

            return null;
        }

        var done = await Task.WhenAny(_inFlight.Keys.Cast<Task>().Append(wake));
        if (done == wake)
        {
            return null;
        }

        var finished = (Task<TileResult>)done;
        var (frame, from) = _inFlight[finished];
        _inFlight.Remove(finished);
        _router.Finished(from);
        try
        {
            var result = await finished;
            _router.Succeeded(from, result.QueueDepth);
            _attempts.Remove(frame.TileIndex);
            return result;
        }
        catch (DeviceOverloadedException)
        {
            _attempts[frame.TileIndex]--; // refused, not failed: it never ran
            _router.Overloaded(from);
            _pending.Enqueue(frame);
            return null;
        }
        catch (Exception exception) when (IsRetryable(exception, token))
        {
            _router.Failed(from);
            Retries++;
            onRetry(from.Key, frame.TileIndex, exception.Message);
            if (_attempts[frame.TileIndex] >= options.MaxAttemptsPerTile)
            {
                throw new InvalidOperationException($"Frame {frame.TileIndex} failed {_attempts[frame.TileIndex]} times; the last error: {exception.Message}", exception);
            }

            _pending.Enqueue(frame);
            return null;
        }
    }

    /// <summary>Failures of a worker or silo are retried elsewhere; bad jobs and cancellation are not.</summary>
    private static bool IsRetryable(Exception exception, CancellationToken token) =>
        !token.IsCancellationRequested && exception is not (InvalidJobException or ModelNotFoundException or ArgumentException);
}
