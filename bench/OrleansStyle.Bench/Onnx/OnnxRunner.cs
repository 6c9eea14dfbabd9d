using Microsoft.ML.OnnxRuntime;
using OrleansStyle.Neural.Onnx;

namespace OrleansStyle.Bench.Onnx;

/// <summary>
/// An ONNX Runtime CPU session for a one-output float graph, pinned to <c>threads</c> intra-op threads (sequential
/// execution, one inter-op thread, all graph optimisations) so it competes with TorchSharp on equal terms. The first
/// input takes the image (or features); a transformer graph's <c>styles</c> input gets a one-hot row for style 0.
/// </summary>
internal sealed class OnnxRunner : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputs;
    private readonly string[] _outputs;
    private readonly int _styles;

    public OnnxRunner(byte[] model, int threads)
    {
        _options = new OnnxRuntimeSettings { IntraOpThreads = threads }.CreateSessionOptions(); // the product's own settings
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

        _inputs = [.. _session.InputMetadata.Keys];
        _outputs = [_session.OutputMetadata.Keys.Single()];
        _styles = _session.InputMetadata.TryGetValue("styles", out var styles) ? styles.Dimensions[1] : 0;
    }

    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <summary>Runs once and copies the output out (for the comparison with TorchSharp).</summary>
    public float[] Run(float[] input, long[] shape)
    {
        var values = Inputs(input, shape);
        try
        {
            using var results = _session.Run(_run, _inputs, values, _outputs);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            values.ForEach(v => v.Dispose());
        }
    }

    /// <summary>The graph's inputs for an image batch (dispose them).</summary>
    public List<OrtValue> Inputs(float[] input, long[] shape)
    {
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(input, shape) };
        if (_styles > 0)
        {
            var oneHot = new float[shape[0] * _styles];
            for (var n = 0; n < shape[0]; n++)
            {
                oneHot[n * _styles] = 1f;
            }

            values.Add(OrtValue.CreateTensorValueFromMemory(oneHot, [shape[0], _styles]));
        }

        return values;
    }

    /// <summary>Runs once and drops the output: the timed call, allocation included as on the TorchSharp side.</summary>
    public void Run(IReadOnlyList<OrtValue> inputs)
    {
        using var results = _session.Run(_run, _inputs, inputs, _outputs);
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
