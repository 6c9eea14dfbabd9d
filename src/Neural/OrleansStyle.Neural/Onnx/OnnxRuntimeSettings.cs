namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// How feed-forward networks run on ONNX Runtime's CPU provider. One inter-op thread and sequential execution:
/// these graphs are a chain, so parallelism comes from the intra-op threads inside each convolution.
/// </summary>
public sealed record OnnxRuntimeSettings
{
    /// <summary>Intra-op threads per session; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Where exported graphs are kept between runs, keyed by the model file's content hash; null exports on every
    /// load (exporting takes milliseconds; the cache is there so operators can look at what runs).
    /// </summary>
    public string? CacheDirectory { get; init; }
}
