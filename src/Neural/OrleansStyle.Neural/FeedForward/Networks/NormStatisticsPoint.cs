namespace OrleansStyle.Neural.FeedForward.Networks;

/// <summary>
/// One normalisation point of a <see cref="NormStatisticsSnapshot"/>: its index in the network and its per-channel
/// mean and standard deviation (equal lengths; the channel count is implied). Arrays compare by reference, so
/// compare snapshots by their contents, not with <c>==</c>.
/// </summary>
public sealed record NormStatisticsPoint(int Index, float[] Mean, float[] Std)
{
    public int Channels => Mean.Length;
}
