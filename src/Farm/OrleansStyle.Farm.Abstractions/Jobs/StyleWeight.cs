using OrleansStyle.Farm.Pixels;

namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// One style of a region's mixture: a style the model was trained on (by name), or for AdaIN models a style image.
/// </summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.StyleWeight")]
public sealed record StyleWeight(
    [property: Id(0)] string Name,
    [property: Id(1)] float Weight = 1f,
    [property: Id(2)] PixelBuffer? Image = null)
{
    public static StyleWeight Trained(string name, float weight = 1f) => new(name, weight);

    public static StyleWeight FromImage(string name, PixelBuffer image, float weight = 1f) => new(name, weight, image);
}
