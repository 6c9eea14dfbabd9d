using Microsoft.ML.OnnxRuntime;

namespace OrleansStyle.Bench.Onnx;

/// <summary>
/// An ONNX Runtime CPU session for a one-input, one-output float graph, pinned to <c>threads</c> intra-op threads
/// (sequential execution, one inter-op thread, all graph optimisations) so it competes with TorchSharp on equal terms.
/// </summary>
internal sealed class OnnxRunner : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputs;
    private readonly string[] _outputs;

    public OnnxRunner(byte[] model, int threads)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            _session = new InferenceSession(model, _options);
        }
        catch
        {
            _options.Dispose();
            _run.Dispose();
            throw;
        }

        _inputs = [_session.InputMetadata.Keys.Single()];
        _outputs = [_session.OutputMetadata.Keys.Single()];
    }

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>Runs once and copies the output out (for the comparison with TorchSharp).</summary>
    public float[] Run(float[] input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var results = _session.Run(_run, _inputs, [value], _outputs);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Runs once and drops the output: the timed call, allocation included as on the TorchSharp side.</summary>
    public void Run(OrtValue input)
    {
        using var results = _session.Run(_run, _inputs, [input], _outputs);
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
