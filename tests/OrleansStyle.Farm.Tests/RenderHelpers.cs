using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging;

namespace OrleansStyle.Farm.Tests;

internal static class RenderHelpers
{
    public static async Task<(PlanarImage Image, JobStatus Status)> RenderAsync(
        IGrainFactory grains, FarmRenderRequest request, CancellationToken cancellationToken = default)
    {
        using var output = new MemoryStream();
        var status = await new FarmRenderClient(grains).RenderAsync(request, output, OutputFormat.Png, cancellationToken: cancellationToken);
        if (Environment.GetEnvironmentVariable("ORLEANSSTYLE_DUMP") is { Length: > 0 } dump)
        {
            await File.WriteAllBytesAsync(Path.Combine(dump, request.JobId.Split('-')[0] + ".png"), output.ToArray(), cancellationToken);
        }

        return (Decode(output.ToArray()), status);
    }

    public static PlanarImage Decode(byte[] png)
    {
        using var image = new SafeImageReader().ReadRgb(png);
        return image.ToPlanar();
    }

    public static PlanarImage Quantised(PlanarImage image) => image.ToPixelBuffer().ToPlanar();

    public static FarmRenderRequest Request(string jobId, PixelBuffer content, string model, params StyleWeight[] styles) =>
        new(jobId, content, model, [RegionSpec.Everywhere(styles)]);

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
