using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Per-channel means and standard deviations ([1, C, 1, 1]) of a network's normalisation points, keyed by the
/// point's index. Captured once from one image (a thumbnail of the whole picture) and injected into later
/// runs, so tiles of that picture are normalised with the picture's statistics rather than their own — the
/// frozen-statistics mode seamless tiling needs. For transformer networks the points are the instance-norm
/// layers; for AdaIN they are the content statistics of each region at the encoder tap.
/// The tensors are owned here (outside every dispose scope) until <see cref="Dispose"/>.
/// </summary>
public sealed class NormStatistics : IDisposable
{
    private readonly Dictionary<int, (Tensor Mean, Tensor Std)> _points = [];

    private NormStatistics(bool recording) => IsRecording = recording;

    /// <summary>True while a capture run fills this instance; false once it is used as frozen statistics.</summary>
    public bool IsRecording { get; private set; }

    public int Count => _points.Count;

    /// <summary>An empty instance that a capture run fills.</summary>
    public static NormStatistics StartCapture() => new(recording: true);

    /// <summary>Ends the capture: from now on the statistics are read, never computed.</summary>
    public NormStatistics Freeze()
    {
        IsRecording = false;
        return this;
    }

    /// <summary>The stored statistics of a normalisation point, for use in the caller's computation.</summary>
    public (Tensor Mean, Tensor Std) this[int index] =>
        _points.TryGetValue(index, out var point)
            ? point
            : throw new InvalidOperationException(
                $"No frozen statistics for normalisation point {index}: capture them with the same network and regions.");

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

    /// <summary>Computes (and records while capturing) or reads the statistics of one point.</summary>
    internal static (Tensor Mean, Tensor Std) Resolve(NormStatistics? statistics, int index, Func<(Tensor Mean, Tensor Std)> compute)
    {
        if (statistics is { IsRecording: false })
        {
            return statistics[index];
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
    }

    private static Tensor Keep(Tensor value)
    {
        // Statistics are shared by the whole picture: average a captured batch to one row.
        using var noGrad = no_grad();
        var row = value.shape[0] == 1 ? value.detach().clone() : value.detach().mean([0], keepdim: true);
        return row.DetachFromDisposeScope();
    }
}
