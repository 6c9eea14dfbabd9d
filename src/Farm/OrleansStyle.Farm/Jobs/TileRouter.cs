using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// Routing state of one job: picks the least-loaded usable worker (this job's tiles in flight there plus the
/// queue the worker last reported, which includes other jobs' tiles), skips workers that refused work for a
/// back-off, and blocks workers for the rest of the job after repeated failures.
/// </summary>
public sealed class TileRouter(JobOptions options, TimeProvider? time = null, int? maxInFlightPerWorker = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly int _maxInFlight = maxInFlightPerWorker ?? options.MaxInFlightPerWorker;
    private readonly Dictionary<WorkerAddress, WorkerState> _workers = [];

    public int BlockedCount => _workers.Values.Count(w => w.Blocked);

    public WorkerAddress? Pick(IReadOnlyList<WorkerAddress> active)
    {
        var now = _time.GetUtcNow();
        WorkerAddress? best = null;
        var bestLoad = int.MaxValue;
        foreach (var worker in active)
        {
            var state = State(worker);
            if (state.Blocked || state.BackOffUntil > now || state.InFlight >= _maxInFlight)
            {
                continue;
            }

            var load = state.InFlight + state.ReportedQueue;
            if (load < bestLoad)
            {
                best = worker;
                bestLoad = load;
            }
        }

        return best;
    }

    public bool AnyUsable(IReadOnlyList<WorkerAddress> active) => active.Any(w => !State(w).Blocked);

    public void Started(WorkerAddress worker) => State(worker).InFlight++;

    public void Finished(WorkerAddress worker) => State(worker).InFlight--;

    public void Succeeded(WorkerAddress worker, int reportedQueue)
    {
        var state = State(worker);
        state.ReportedQueue = Math.Max(0, reportedQueue - state.InFlight);
        state.Failures = 0;
    }

    public void Overloaded(WorkerAddress worker) => State(worker).BackOffUntil = _time.GetUtcNow() + options.OverloadBackoff;

    /// <summary>A soft failure; the worker is blocked for this job once failures reach the limit.</summary>
    public void Failed(WorkerAddress worker)
    {
        var state = State(worker);
        state.Failures++;
        state.BackOffUntil = _time.GetUtcNow() + options.OverloadBackoff;
        state.Blocked |= state.Failures >= options.FailuresBeforeBlocking;
    }

    public bool IsBlocked(WorkerAddress worker) => State(worker).Blocked;

    /// <summary>Gives every blocked worker another chance (their failures may have been the cluster's, e.g. a silo's death).</summary>
    public void UnblockAll()
    {
        foreach (var state in _workers.Values)
        {
            state.Blocked = false;
            state.Failures = 0;
        }
    }

    private WorkerState State(WorkerAddress worker)
    {
        if (!_workers.TryGetValue(worker, out var state))
        {
            _workers[worker] = state = new WorkerState();
        }

        return state;
    }

    private sealed class WorkerState
    {
        public int InFlight { get; set; }

        public int ReportedQueue { get; set; }

        public int Failures { get; set; }

        public bool Blocked { get; set; }

        public DateTimeOffset BackOffUntil { get; set; }
    }
}
