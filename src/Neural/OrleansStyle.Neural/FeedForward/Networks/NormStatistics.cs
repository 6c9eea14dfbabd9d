using System.Globalization;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Per-channel means and standard deviations ([1, C, 1, 1]) of a network's normalisation points, keyed by the
/// point's index. Captured once from one image (a thumbnail of the whole picture) and injected into later
/// runs, so tiles of that picture are normalised with the picture's statistics rather than their own — the
/// frozen-statistics mode seamless tiling needs. For transformer networks the points are the instance-norm
/// layers; for AdaIN they are the content statistics of each region at the encoder tap.
/// The tensors are owned here (outside every dispose scope) until <see cref="Dispose"/>. To send them elsewhere
/// (another process or machine) convert them to plain arrays with <see cref="ToSnapshot"/> and back with
/// <see cref="FromSnapshot"/>.
/// </summary>
public sealed class NormStatistics : IDisposable
{
    private readonly Dictionary<int, (Tensor Mean, Tensor Std)> _points = [];

    /// <summary>WCT only: each point's whitening matrix [C, C]; these stay in-process (no snapshot carries them).</summary>
    private readonly Dictionary<int, Tensor> _matrices = [];

    /// <summary>
    /// Batched statistics only (<see cref="Stack"/>): [N, 1, 1, 1], true for samples that normalise with their own
    /// statistics; their rows of the stored tensors are placeholders.
    /// </summary>
    private Tensor? _ownRows;

    private NormStatistics(bool recording) => IsRecording = recording;

    /// <summary>True while a capture run fills this instance; false once it is used as frozen statistics.</summary>
    public bool IsRecording { get; private set; }

    public int Count => _points.Count;

    /// <summary>Batched statistics where some samples normalise with their own statistics (see <see cref="Stack"/>).</summary>
    internal bool MixesOwnRows => _ownRows is not null;

    /// <summary>An empty instance that a capture run fills.</summary>
    public static NormStatistics StartCapture() => new(recording: true);

    /// <summary>Ends the capture: from now on the statistics are read, never computed.</summary>
    public NormStatistics Freeze()
    {
        IsRecording = false;
        return this;
    }

    /// <summary>
    /// Rebuilds frozen statistics from plain data (e.g. received from another machine) on <paramref name="device"/>.
    /// The snapshot is checked first: at least one point, distinct non-negative indices, means and standard
    /// deviations of equal non-zero length, finite values and positive standard deviations.
    /// </summary>
    public static NormStatistics FromSnapshot(NormStatisticsSnapshot snapshot, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var problems = SnapshotProblems(snapshot);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The normalisation statistics are not usable: {string.Join(" ", problems)}", nameof(snapshot));
        }

        var statistics = new NormStatistics(recording: false);
        try
        {
            foreach (var point in snapshot.Points)
            {
                statistics._points[point.Index] = (Column(point.Mean, device), Column(point.Std, device));
            }

            return statistics;
        }
        catch
        {
            statistics.Dispose();
            throw;
        }
    }

    /// <summary>The frozen statistics as plain arrays, ordered by point index (see <see cref="FromSnapshot"/>).</summary>
    public NormStatisticsSnapshot ToSnapshot()
    {
        if (IsRecording)
        {
            throw new InvalidOperationException("These statistics are still being captured; take the snapshot once the capture run has finished.");
        }

        if (_matrices.Count > 0)
        {
            throw new InvalidOperationException("WCT statistics (whitening matrices) cannot be snapshotted: render WCT in one process, or use AdaIN for farm renders.");
        }

        using var scope = NewDisposeScope();
        return new NormStatisticsSnapshot(
            [.. _points.OrderBy(p => p.Key).Select(p => new NormStatisticsPoint(p.Key, Values(p.Value.Mean), Values(p.Value.Std)))]);

        static float[] Values(Tensor value) => value.shape[0] == 1
            ? value.detach().cpu().contiguous().data<float>().ToArray()
            : throw new InvalidOperationException("Batched statistics cannot be snapshotted; snapshot each sample's own statistics.");
    }

    /// <summary>The stored statistics of a normalisation point, for use in the caller's computation.</summary>
    public (Tensor Mean, Tensor Std) this[int index] =>
        _points.TryGetValue(index, out var point)
            ? point
            : throw new InvalidOperationException(
                $"No frozen statistics for normalisation point {index}: capture them with the same network and regions.");

    /// <summary>WCT: the whitening matrix of point <paramref name="index"/>.</summary>
    internal Tensor Matrix(int index) =>
        _matrices.TryGetValue(index, out var matrix)
            ? matrix
            : throw new InvalidOperationException(
                $"No frozen whitening matrix for point {index}: capture the statistics with the same model and transform (WCT).");

    internal void RecordMatrix(int index, Tensor matrix)
    {
        if (!IsRecording)
        {
            throw new InvalidOperationException("These statistics are frozen; start a new capture to record.");
        }

        if (_matrices.Remove(index, out var old))
        {
            old.Dispose();
        }

        using var noGrad = no_grad();
        _matrices[index] = matrix.detach().clone().DetachFromDisposeScope();
    }

    internal void Record(int index, Tensor mean, Tensor std)
    {
        if (!IsRecording)
        {
            throw new InvalidOperationException("These statistics are frozen; start a new capture to record.");
        }

        if (_points.Remove(index, out var old))
        {
            old.Mean.Dispose();
            old.Std.Dispose();
        }

        _points[index] = (Keep(mean), Keep(std));
    }

    /// <summary>
    /// Stacks per-sample statistics into rows [N, C, 1, 1] for one batched forward pass over
    /// <paramref name="points"/> (index and channel count of each normalisation point). A null sample normalises
    /// with its own statistics, computed in the pass as without frozen statistics. Every non-null sample must be
    /// frozen and fit the points (see <see cref="CheckFits"/>).
    /// </summary>
    internal static NormStatistics Stack(IReadOnlyList<NormStatistics?> samples, IReadOnlyList<(int Index, long Channels)> points, Device device)
    {
        var stacked = new NormStatistics(recording: false);
        try
        {
            using var scope = NewDisposeScope();
            foreach (var (index, channels) in points)
            {
                var means = new List<Tensor>();
                var stds = new List<Tensor>();
                foreach (var sample in samples)
                {
                    // Placeholders for samples with their own statistics: finite, and replaced in Resolve.
                    var (mean, std) = sample?[index] ?? (zeros(1, channels, 1, 1, device: device), ones(1, channels, 1, 1, device: device));
                    means.Add(mean.to(device));
                    stds.Add(std.to(device));
                }

                stacked._points[index] = (cat(means, 0).DetachFromDisposeScope(), cat(stds, 0).DetachFromDisposeScope());
            }

            if (samples.Any(s => s is null))
            {
                stacked._ownRows = tensor(samples.Select(s => s is null).ToArray(), device: device).reshape(-1, 1, 1, 1).DetachFromDisposeScope();
            }

            return stacked;
        }
        catch
        {
            stacked.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> unless these are frozen statistics with every point of
    /// <paramref name="points"/> at its channel count, i.e. captured with the same network (and regions).
    /// </summary>
    internal void CheckFits(IEnumerable<(int Index, long Channels)> points, string parameterName)
    {
        if (IsRecording)
        {
            throw new ArgumentException("Statistics that are still being captured cannot be used here: pass frozen statistics (CaptureStatistics returns them).", parameterName);
        }

        var problems = new List<string>();
        foreach (var (index, channels) in points)
        {
            if (!_points.TryGetValue(index, out var point))
            {
                problems.Add($"point {index} is missing");
            }
            else if (point.Mean.shape[1] != channels)
            {
                problems.Add($"point {index} has {point.Mean.shape[1]} channels where the model has {channels}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(
                $"The frozen statistics do not fit this model ({string.Join("; ", problems)}): capture them with the same model and regions.", parameterName);
        }
    }

    /// <summary>Computes (and records while capturing) or reads the statistics of one point.</summary>
    internal static (Tensor Mean, Tensor Std) Resolve(NormStatistics? statistics, int index, Func<(Tensor Mean, Tensor Std)> compute)
    {
        if (statistics is { IsRecording: false })
        {
            var frozen = statistics[index];
            if (statistics._ownRows is not { } own)
            {
                return frozen;
            }

            // A batch mixing frozen and own statistics: compute the batch's own and pick per sample.
            var (mean, std) = compute();
            return (where(own, mean, frozen.Mean), where(own, std, frozen.Std));
        }

        var computed = compute();
        statistics?.Record(index, computed.Mean, computed.Std);
        return computed;
    }

    public void Dispose()
    {
        foreach (var (mean, std) in _points.Values)
        {
            mean.Dispose();
            std.Dispose();
        }

        _points.Clear();
        foreach (var matrix in _matrices.Values)
        {
            matrix.Dispose();
        }

        _matrices.Clear();
        _ownRows?.Dispose();
        _ownRows = null;
    }

    private static List<string> SnapshotProblems(NormStatisticsSnapshot snapshot)
    {
        var problems = new List<string>();
        if (snapshot.Points is null || snapshot.Points.Count == 0)
        {
            problems.Add("the snapshot has no normalisation points.");
            return problems;
        }

        var seen = new HashSet<int>();
        for (var i = 0; i < snapshot.Points.Count; i++)
        {
            if (snapshot.Points[i] is not { } point)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"Entry {i} is null."));
                continue;
            }

            var name = string.Create(CultureInfo.InvariantCulture, $"Point {point.Index}");
            if (point.Index < 0)
            {
                problems.Add($"{name} has a negative index.");
            }
            else if (!seen.Add(point.Index))
            {
                problems.Add($"{name} appears more than once.");
            }

            if (point.Mean is null || point.Std is null || point.Mean.Length == 0)
            {
                problems.Add($"{name} needs a mean and a standard deviation per channel.");
                continue;
            }

            if (point.Mean.Length != point.Std.Length)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} has {point.Mean.Length} means but {point.Std.Length} standard deviations."));
            }

            if (Array.FindIndex(point.Mean, v => !float.IsFinite(v)) is var badMean and >= 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} has a non-finite mean ({point.Mean[badMean]}) in channel {badMean}."));
            }

            // Standard deviations include ε, so a valid one is strictly positive (and the norm divides by it).
            if (Array.FindIndex(point.Std, v => !float.IsFinite(v) || v <= 0) is var badStd and >= 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} has standard deviation {point.Std[badStd]} in channel {badStd}: it must be finite and positive."));
            }
        }

        return problems;
    }

    /// <summary>A [1, C, 1, 1] tensor owned by the statistics (outside every dispose scope).</summary>
    private static Tensor Column(float[] values, Device? device)
    {
        using var scope = NewDisposeScope();
        var column = tensor(values, [1, values.Length, 1, 1]);
        column = device is null || device.type == TorchSharp.DeviceType.CPU ? column.clone() : column.to(device);
        return column.DetachFromDisposeScope();
    }

    private static Tensor Keep(Tensor value)
    {
        // Statistics are shared by the whole picture: average a captured batch to one row.
        using var noGrad = no_grad();
        var row = value.shape[0] == 1 ? value.detach().clone() : value.detach().mean([0], keepdim: true);
        return row.DetachFromDisposeScope();
    }
}
