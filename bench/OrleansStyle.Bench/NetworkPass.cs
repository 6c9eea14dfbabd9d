using static TorchSharp.torch;

namespace OrleansStyle.Bench;

/// <summary>
/// One network pass on tensors, the part ONNX Runtime is compared with: <see cref="Prepare"/> turns an image batch
/// [N, 3, H, W] into the pass's input (untimed), <see cref="Forward"/> is timed, <see cref="Onnx"/> is the same
/// computation as an ONNX graph (null when there is none).
/// </summary>
internal sealed record NetworkPass(string Label, Func<Tensor, Tensor> Prepare, Func<Tensor, Tensor> Forward, byte[]? Onnx);
