using System.Collections.Concurrent;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// The render jobs each caller submitted through this gateway, newest first, at most <see cref="PerCaller"/> each:
/// what Jobs.ListJobs looks up. Only ids are kept here; the farm's job grains stay the truth about each job, and a
/// job the farm has forgotten drops out of the listing.
/// </summary>
public sealed class CallerJobIndex
{
    public const int PerCaller = 100;

    private readonly ConcurrentDictionary<string, LinkedList<string>> _jobs = new(StringComparer.Ordinal);

    public void Add(string caller, string jobId)
    {
        var jobs = _jobs.GetOrAdd(caller, _ => new LinkedList<string>());
        lock (jobs)
        {
            jobs.Remove(jobId); // a job id sent again moves to the front
            jobs.AddFirst(jobId);
            while (jobs.Count > PerCaller)
            {
                jobs.RemoveLast();
            }
        }
    }

    public IReadOnlyList<string> Of(string caller)
    {
        if (!_jobs.TryGetValue(caller, out var jobs))
        {
            return [];
        }

        lock (jobs)
        {
            return [.. jobs];
        }
    }
}
