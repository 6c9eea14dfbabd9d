using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OrleansStyle.Neural.Onnx.Proto;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// One ONNX Runtime CPU session over an in-memory graph, with every graph optimisation on. Named float inputs in,
/// the named float outputs copied out as arrays with their shapes.
/// </summary>
internal sealed class OnnxSession : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    public OnnxSession(ModelProto model, OnnxRuntimeSettings settings)
        : this(model.ToByteArray(), settings)
    {
    }

    public OnnxSession(byte[] model, OnnxRuntimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _options = settings.CreateSessionOptions();
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
    }

    /// <summary>Runs the graph; each input is (name, values, shape). The one output is returned as values and shape.</summary>
    public (float[] Values, long[] Shape) Run(IReadOnlyList<(string Name, float[] Values, long[] Shape)> inputs, string output)
    {
        var values = new List<OrtValue>(inputs.Count);
        try
        {
            foreach (var input in inputs)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(input.Values, input.Shape));
            }

            using var results = _session.Run(_run, [.. inputs.Select(i => i.Name)], values, [output]);
            var result = results[0];
            return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
