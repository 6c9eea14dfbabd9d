using System.Runtime.InteropServices;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Imaging;

namespace OrleansStyle.Gateway.Rendering;

/// <summary>
/// Uploaded bytes to wire pixels through the safe reader: <see cref="SafeImageReader.Inspect"/> (format, dimensions,
/// pixel budget, truncation) runs before a pixel is allocated, and a refusal names the upload it came from.
/// </summary>
internal static class ImageDecoding
{
    public static ImageHeader Inspect(SafeImageReader reader, ReadOnlyMemory<byte> data, string field)
    {
        try
        {
            return reader.Inspect(data);
        }
        catch (ImageRejectedException rejected)
        {
            throw GatewayErrors.InvalidArgument(field, rejected.Message, ErrorMappingInterceptor.ReasonName(rejected.Reason));
        }
    }

    public static PixelBuffer ReadRgb(SafeImageReader reader, ReadOnlyMemory<byte> data, string field)
    {
        Inspect(reader, data, field);
        try
        {
            using var image = reader.ReadRgb(data);
            var pixels = new byte[(long)image.Width * image.Height * 3];
            var rowBytes = image.Width * 3;
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    MemoryMarshal.AsBytes(rows.GetRowSpan(y)).CopyTo(pixels.AsSpan(y * rowBytes, rowBytes));
                }
            });
            return new PixelBuffer(image.Width, image.Height, 3, pixels);
        }
        catch (ImageRejectedException rejected)
        {
            throw GatewayErrors.InvalidArgument(field, rejected.Message, ErrorMappingInterceptor.ReasonName(rejected.Reason));
        }
    }

    public static PixelBuffer ReadGrey(SafeImageReader reader, ReadOnlyMemory<byte> data, string field, bool invert)
    {
        Inspect(reader, data, field);
        try
        {
            using var image = reader.ReadGrey(data);
            var pixels = new byte[(long)image.Width * image.Height];
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    MemoryMarshal.AsBytes(rows.GetRowSpan(y)).CopyTo(pixels.AsSpan(y * rows.Width, rows.Width));
                }
            });
            if (invert)
            {
                for (var i = 0; i < pixels.Length; i++)
                {
                    pixels[i] = (byte)(255 - pixels[i]);
                }
            }

            return new PixelBuffer(image.Width, image.Height, 1, pixels);
        }
        catch (ImageRejectedException rejected)
        {
            throw GatewayErrors.InvalidArgument(field, rejected.Message, ErrorMappingInterceptor.ReasonName(rejected.Reason));
        }
    }
}
