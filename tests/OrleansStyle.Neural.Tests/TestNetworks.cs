using OrleansStyle.Neural.Features;

namespace OrleansStyle.Neural.Tests;

/// <summary>The bundled ResNet-18, imported once per test run (parsing 60 MB of ONNX takes a moment).</summary>
internal static class TestNetworks
{
    private static readonly Lazy<ResNet18Features> Lazy = new(ResNetOnnxImporter.LoadDefault);

    public static ResNet18Features ResNet18 => Lazy.Value;
}
