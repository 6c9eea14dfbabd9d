using OrleansStyle.Imaging;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.Tensors;

/// <summary>Hands images between the imaging layer (CHW float planes) and TorchSharp ([1,C,H,W] tensors).</summary>
public static class ImageTensors
{
    /// <summary>One copy: the planar buffer already has the tensor's memory layout.</summary>
    public static Tensor ToTensor(this PlanarImage image, Device? device = null)
    {
        var result = tensor(image.Data, [1, image.Channels, image.Height, image.Width]);
        return device is null || device.type == TorchSharp.DeviceType.CPU ? result : result.to(device);
    }

    /// <summary>Copies a [1,C,H,W] or [C,H,W] tensor back to a planar image, clamped to [0, 1].</summary>
    public static PlanarImage ToPlanarImage(this Tensor image)
    {
        using var scope = NewDisposeScope();
        var chw = image.dim() == 4 ? image[0] : image;
        if (chw.dim() != 3)
        {
            throw new ArgumentException($"Expected [1,C,H,W] or [C,H,W]; got [{string.Join(',', image.shape)}].", nameof(image));
        }

        var data = chw.detach().ClampToUnit().to(float32).cpu().contiguous().data<float>().ToArray();
        return new PlanarImage((int)chw.shape[2], (int)chw.shape[1], (int)chw.shape[0], data);
    }
}
