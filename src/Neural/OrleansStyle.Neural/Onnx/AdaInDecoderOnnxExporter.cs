using OrleansStyle.Neural.FeedForward.Networks;
using OrleansStyle.Neural.Onnx.Proto;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// Writes an <see cref="AdaInDecoder"/> (the trained part of an AdaIN model) as an ONNX graph by walking its
/// sequential layers: ConvLayer → Pad (reflect) + Conv, ReLU → Relu, NearestUpsample → Resize. Input
/// <c>features</c> [N, C_tap, h, w], output <c>decoded</c> [N, 3, h·s, w·s] (s = the tap's stride, uncropped).
/// The encoder is <see cref="ResNetEncoderOnnxGraph"/>.
/// </summary>
internal static class AdaInDecoderOnnxExporter
{
    public const string Input = "features";
    public const string Output = "decoded";

    public static ModelProto Export(AdaInDecoder decoder, string producer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var weights = decoder.state_dict();
        var (name, module) = decoder.named_children().Single();
        var layers = module as Sequential
            ?? throw new InvalidOperationException($"The decoder's '{name}' is a {module.GetType().Name}; the exporter expects a Sequential.");
        var graph = new OnnxGraphBuilder(decoder.Architecture.Name);
        var x = graph.Input(Input, "N", decoder.Architecture.TapChannels.ToString(System.Globalization.CultureInfo.InvariantCulture), "h", "w");
        foreach (var (index, layer) in layers.named_children())
        {
            x = layer switch
            {
                ConvLayer => graph.ReflectConv(x, weights, $"{name}.{index}"),
                ReLU => graph.Relu(x),
                NearestUpsample => graph.NearestUpsample(x),
                _ => throw new InvalidOperationException($"The exporter does not know decoder layer '{index}' ({layer.GetType().Name})."),
            };
        }

        graph.Output(graph.Identity(x, Output), "N", "3", "H", "W");
        return graph.ToModel(producer);
    }
}
