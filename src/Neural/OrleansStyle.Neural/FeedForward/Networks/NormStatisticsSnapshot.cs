namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// Frozen <see cref="NormStatistics"/> as plain data (no tensors, no device), so statistics captured once on a
/// thumbnail can travel to the workers that render the picture's tiles. Make one with
/// <see cref="NormStatistics.ToSnapshot"/>; turn it back into tensors with <see cref="NormStatistics.FromSnapshot"/>,
/// which validates it.
/// </summary>
public sealed record NormStatisticsSnapshot(IReadOnlyList<NormStatisticsPoint> Points);
