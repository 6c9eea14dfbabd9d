using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansStyle.Imaging;
using OrleansStyle.Neural.Features;
using OrleansStyle.Neural.Onnx;
using OrleansStyle.Neural.Tensors;
using OrleansStyle.Tests.Shared;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tests.Features;

/// <summary>The imported network must compute what ONNX Runtime computes from the same file, at every tap.</summary>
public sealed class OnnxRuntimeParityTests
{
    [Fact]
    public void Every_tap_matches_onnx_runtime_on_a_real_photo()
    {
        var graph = OnnxGraph.Load(ResNetOnnxImporter.DefaultModelPath);
        var (network, onnxNames) = ResNetOnnxImporter.Import(graph, ResNetOnnxImporter.ChannelMeans(OnnxGraph.Load(ResNetOnnxImporter.DefaultPreprocessPath)));
        using var _ = network;

        // The graph's fixed 224×224 input: a real photo, preprocessed as the ONNX preprocessing graph does
        // (BGR, 0–255, minus the per-pixel mean image), so both sides see identical numbers.
        var photo = TestImages.Load(SampleImages.Content("dune"), 224, 224);
        var preprocess = OnnxGraph.Load(ResNetOnnxImporter.DefaultPreprocessPath);
        var meanImage = preprocess.Initializers.Values.Single(t => t.Dims.Length == 4).Data;
        var input = new float[3 * 224 * 224];
        var plane = 224 * 224;
        for (var c = 0; c < 3; c++)
        {
            var rgbPlane = photo.Data.AsSpan((2 - c) * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                input[(c * plane) + i] = (rgbPlane[i] * 255f) - meanImage[(c * plane) + i];
            }
        }

        // Expose every tap as a graph output by appending a second ModelProto.graph field: protobuf
        // merges repeated embedded messages, so ONNX Runtime sees the extra outputs.
        var distinctNames = onnxNames.Values.Distinct().ToList();
        var modelBytes = File.ReadAllBytes(ResNetOnnxImporter.DefaultModelPath)
            .Concat(OnnxOutputs.GraphWithOutputs(distinctNames)).ToArray();
        using var session = new InferenceSession(modelBytes);
        var inputName = session.InputMetadata.Keys.Single();
        using var results = session.Run(
            [NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, [1, 3, 224, 224]))],
            distinctNames);
        var expected = results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var actual = network.ExtractPreprocessed(tensor(input, [1, 3, 224, 224]), network.Taps);

        Assert.Equal(network.Taps.Count, actual.Count);
        foreach (var (tap, activation) in actual)
        {
            var reference = expected[onnxNames[tap]];
            var ours = activation.contiguous().data<float>().ToArray();
            Assert.Equal(reference.Length, ours.Length);
            var maxDifference = reference.Zip(ours, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDifference <= 1e-4, $"{tap}: max |ours − ORT| = {maxDifference:E2}");
        }
    }
}

/// <summary>Encodes GraphProto { output: ValueInfoProto { name, type { tensor_type { elem_type = FLOAT } } } } wrapped as ModelProto.graph.</summary>
internal static class OnnxOutputs
{
    public static byte[] GraphWithOutputs(IEnumerable<string> names)
    {
        var graph = new List<byte>();
        foreach (var name in names)
        {
            var type = Field(1, [0x08, 0x01]); // TypeProto.tensor_type { elem_type: FLOAT }
            var valueInfo = Field(1, System.Text.Encoding.UTF8.GetBytes(name)).Concat(Field(2, type)).ToArray();
            graph.AddRange(Field(12, valueInfo));
        }

        return Field(7, [.. graph]);
    }

    private static byte[] Field(int number, byte[] payload) =>
        [.. Varint((ulong)((number << 3) | 2)), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
