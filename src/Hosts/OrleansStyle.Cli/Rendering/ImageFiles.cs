using OrleansStyle.Imaging;

namespace OrleansStyle.Cli.Rendering;

/// <summary>Reads user images through the safe decoder (PNG, JPEG and WebP only, limits checked first).</summary>
internal static class ImageFiles
{
    private static readonly SafeImageReader Reader = new();

    public static PlanarImage ReadRgb(string path)
    {
        RequireFile(path);
        using var image = Named(path, () => Reader.ReadRgb(path));
        return image.ToPlanar();
    }

    /// <summary>Checks a file is an image we decode (format, dimensions, truncation) without decoding its pixels.</summary>
    public static ImageHeader Inspect(string path)
    {
        RequireFile(path);
        return Named(path, () => Reader.Inspect(File.ReadAllBytes(path)));
    }

    /// <summary>A mask: grey levels as weights in [0, 1]; a leading '!' inverts it.</summary>
    public static PlanarImage ReadMask(string spec)
    {
        var invert = spec.StartsWith('!');
        var path = invert ? spec[1..] : spec;
        RequireFile(path);
        using var image = Named(path, () => Reader.ReadGrey(path));
        var mask = image.ToPlanar();
        if (invert)
        {
            var values = mask.Data;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = 1f - values[i];
            }
        }

        return mask;
    }

    public static void Write(PlanarImage image, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The output folder {directory} does not exist.");
        }

        using var rgb = image.ToRgb24();
        ImageWriter.Write(rgb, path);
    }

    private static T Named<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (ImageRejectedException ex)
        {
            throw new ImageRejectedException(ex.Reason, $"{path}: {ex.Message}", ex);
        }
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No such file: {path}", path);
        }
    }
}
