using Microsoft.ML.OnnxRuntime;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// How feed-forward networks run on ONNX Runtime's CPU provider. One inter-op thread and sequential execution:
/// these graphs are a chain, so parallelism comes from the intra-op threads inside each convolution.
/// </summary>
public sealed record OnnxRuntimeSettings
{
    /// <summary>Intra-op threads per session; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Session options for these settings (the caller disposes them with its session).</summary>
    public SessionOptions CreateSessionOptions() => new()
    {
        IntraOpNumThreads = IntraOpThreads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };
}
