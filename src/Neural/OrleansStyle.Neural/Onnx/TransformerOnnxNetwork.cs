using OrleansStyle.Neural.FeedForward.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// A <see cref="TransformerNet"/>'s forward pass on ONNX Runtime, taking exactly what the Torch forward takes
/// (input, <see cref="StyleCondition"/>, frozen <see cref="NormStatistics"/>) and padding as it does. One session
/// per graph kind (global or per-pixel styles, own or frozen statistics), exported on first use. Capture runs
/// (recording statistics) and batches that mix frozen and own statistics stay on Torch: see <see cref="CanRun"/>.
/// </summary>
internal sealed class TransformerOnnxNetwork(TransformerNet network, OnnxRuntimeSettings settings) : IDisposable
{
    private const int Multiple = 4;

    private readonly Dictionary<TransformerGraphKind, OnnxSession> _sessions = [];
    private readonly Lock _lock = new();

    public static bool CanRun(NormStatistics? statistics) => statistics is null or { IsRecording: false, MixesOwnRows: false };

    public Tensor Forward(Tensor input, StyleCondition condition, NormStatistics? statistics)
    {
        using var scope = NewDisposeScope();
        var (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3]);
        var padBottom = (Multiple - (height % Multiple)) % Multiple;
        var padRight = (Multiple - (width % Multiple)) % Multiple;
        var x = padBottom == 0 && padRight == 0 ? input : nn.functional.pad(input, [0, padRight, 0, padBottom], PaddingModes.Replicate);
        var kind = (condition.IsSpatial ? TransformerGraphKind.Spatial : TransformerGraphKind.Global)
            | (statistics is null ? TransformerGraphKind.Global : TransformerGraphKind.FrozenStatistics);
        var weights = condition.IsSpatial
            ? (padBottom == 0 && padRight == 0 ? condition.Weights : nn.functional.pad(condition.Weights, [0, padRight, 0, padBottom], PaddingModes.Replicate))
            : condition.Weights;
        weights = weights.expand([batch, .. weights.shape.Skip(1)]);
        var inputs = new List<(string, float[], long[])>
        {
            Values(TransformerOnnxExporter.Image, x),
            Values(condition.IsSpatial ? TransformerOnnxExporter.StyleMaps : TransformerOnnxExporter.Styles, weights),
        };
        if (statistics is not null)
        {
            foreach (var norm in network.Norms)
            {
                var (mean, std) = statistics[norm.Index];
                inputs.Add(Values(TransformerOnnxExporter.Mean(norm.Index), mean.expand(batch, norm.Channels, 1, 1)));
                inputs.Add(Values(TransformerOnnxExporter.Std(norm.Index), std.expand(batch, norm.Channels, 1, 1)));
            }
        }

        var (values, shape) = Session(kind).Run(inputs, TransformerOnnxExporter.Output);
        var output = tensor(values, shape).clone(); // never keep a tensor over a managed array
        if (padBottom != 0 || padRight != 0)
        {
            output = output[.., .., ..(int)height, ..(int)width];
        }

        return output.to(input.device).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var session in _sessions.Values)
            {
                session.Dispose();
            }

            _sessions.Clear();
        }
    }

    private OnnxSession Session(TransformerGraphKind kind)
    {
        lock (_lock)
        {
            if (!_sessions.TryGetValue(kind, out var session))
            {
                _sessions[kind] = session = new OnnxSession(TransformerOnnxExporter.Export(network, kind, OnnxExport.Producer), settings);
            }

            return session;
        }
    }

    private static (string, float[], long[]) Values(string name, Tensor value) =>
        (name, value.detach().cpu().to(float32).contiguous().data<float>().ToArray(), value.shape);
}
