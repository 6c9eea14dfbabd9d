using OrleansStyle.Neural.FeedForward.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Onnx;

/// <summary>
/// An AdaIN model's two networks on ONNX Runtime: the ResNet-18 encoder (the bundled ONNX graph cut at the tap)
/// and the trained decoder. The AdaIN step between them (per-item regions, style mixtures, α, frozen statistics)
/// stays in <see cref="FeedForward.AdaInStyleModel"/>: it is element-wise, costs little, and keeping one copy
/// of it keeps both runtimes rendering the same thing.
/// </summary>
internal sealed class AdaInOnnxNetwork : IDisposable
{
    private const int EncoderMultiple = 32;

    private readonly OnnxSession _encoder;
    private readonly OnnxSession _decoder;
    private readonly int _stride;

    public AdaInOnnxNetwork(AdaInDecoder decoder, OnnxRuntimeSettings settings)
    {
        _stride = decoder.Stride;
        _encoder = new OnnxSession(ResNetEncoderOnnxGraph.Export(decoder.Architecture.EncoderTap), settings);
        try
        {
            _decoder = new OnnxSession(AdaInDecoderOnnxExporter.Export(decoder, OnnxExport.Producer), settings);
        }
        catch
        {
            _encoder.Dispose();
            throw;
        }
    }

    /// <summary>Features at the tap, [N, C, ⌈H/s⌉, ⌈W/s⌉], as <see cref="Features.ResNet18Features.Extract"/> gives them.</summary>
    public Tensor Encode(Tensor image)
    {
        using var scope = NewDisposeScope();
        var (height, width) = (image.shape[2], image.shape[3]);
        var padBottom = (EncoderMultiple - (height % EncoderMultiple)) % EncoderMultiple;
        var padRight = (EncoderMultiple - (width % EncoderMultiple)) % EncoderMultiple;
        var padded = padBottom == 0 && padRight == 0 ? image : nn.functional.pad(image, [0, padRight, 0, padBottom], PaddingModes.Replicate);
        var features = Run(_encoder, ResNetEncoderOnnxGraph.Image, padded, ResNetEncoderOnnxGraph.Features);
        return features[.., .., ..(int)CeilDiv(height), ..(int)CeilDiv(width)].to(image.device).MoveToOuterDisposeScope();
    }

    /// <summary>The decoder's output [N, 3, h·s, w·s] (uncropped).</summary>
    public Tensor Decode(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Run(_decoder, AdaInDecoderOnnxExporter.Input, features, AdaInDecoderOnnxExporter.Output).to(features.device).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    private static Tensor Run(OnnxSession session, string input, Tensor value, string output)
    {
        var values = value.detach().cpu().to(float32).contiguous().data<float>().ToArray();
        var (result, shape) = session.Run([(input, values, value.shape)], output);
        return tensor(result, shape).clone(); // never keep a tensor over a managed array
    }

    private long CeilDiv(long value) => (value + _stride - 1) / _stride;
}
