namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// How feed-forward networks run on ONNX Runtime's CPU provider. One inter-op thread and sequential execution:
/// these graphs are a chain, so parallelism comes from the intra-op threads inside each convolution.
/// </summary>
public sealed record OnnxRuntimeSettings
{
    /// <summary>Intra-op threads per session; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }
}
