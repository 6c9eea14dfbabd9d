using OrleansStyle.Imaging;
using static TorchSharp.torch;

namespace OrleansStyle.Neural.FeedForward.Training;

/// <summary>
/// Training images (content photos, or AdaIN's style paintings): decoded through <see cref="SafeImageReader"/>
/// (PNG, JPEG, WebP), visited in a seeded random order per epoch, each drawn at a random scale (short side between
/// the crop size and twice it, at most the image's own) and cropped at a random square. Every draw depends only
/// on (seed, step), so a resumed run sees the same batches. Decoded (already shrunk) images are kept in memory up
/// to a 256 MiB budget, so small sets are decoded once; caching never changes what a batch contains.
/// </summary>
public sealed class TrainingData
{
    private const long CacheBudgetFloats = 64L * 1024 * 1024;
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".webp"];

    private readonly IReadOnlyList<Func<PlanarImage>> _loaders;
    private readonly Dictionary<int, PlanarImage> _cache = [];
    private readonly HashSet<int> _rejected = [];
    private int _cacheShortSide;
    private long _cachedFloats;
    private (long Stream, long Epoch, int[] Order)? _order;

    private TrainingData(IReadOnlyList<string> names, IReadOnlyList<Func<PlanarImage>> loaders, string description)
    {
        if (loaders.Count == 0)
        {
            throw new ArgumentException($"No training images in {description}.");
        }

        Names = names;
        _loaders = loaders;
        Description = description;
    }

    /// <summary>What the data is, for model metadata (e.g. <c>train2014 (82783 images)</c>).</summary>
    public string Description { get; }

    /// <summary>File names without extension (style names), in the fixed base order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => _loaders.Count;

    /// <summary>Images whose decoding failed and that are skipped.</summary>
    public IReadOnlyCollection<int> Rejected => _rejected;

    /// <summary>Every PNG, JPEG and WebP file below <paramref name="directory"/>, in ordinal path order.</summary>
    public static TrainingData FromDirectory(string directory, SafeImageReader? reader = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Training image folder not found: {directory}.");
        }

        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new ArgumentException($"{directory} holds no PNG, JPEG or WebP images.");
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return FromFiles(files, $"{name} ({files.Count} images)", reader);
    }

    public static TrainingData FromFiles(IReadOnlyList<string> files, string? description = null, SafeImageReader? reader = null)
    {
        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new FileNotFoundException($"Training image not found: {missing}.", missing);
        }

        reader ??= new SafeImageReader();
        return new TrainingData(
            [.. files.Select(Path.GetFileNameWithoutExtension).Select(n => n ?? "image")],
            [.. files.Select(f => (Func<PlanarImage>)(() => Decode(reader, f)))],
            description ?? string.Join(", ", files.Select(Path.GetFileName)));
    }

    /// <summary>
    /// <paramref name="count"/> procedurally painted style images (<see cref="ProceduralStyles"/>) of
    /// <paramref name="size"/>² pixels for <paramref name="seed"/>, drawn when first needed.
    /// </summary>
    public static TrainingData Procedural(int count, int seed, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new TrainingData(
            [.. Enumerable.Range(0, count).Select(i => $"procedural-{i}")],
            [.. Enumerable.Range(0, count).Select(i => (Func<PlanarImage>)(() => ProceduralStyles.Generate(seed, i, size, size)))],
            $"{count} procedural styles (seed {seed}, {size} px)");
    }

    public static TrainingData FromImages(IReadOnlyList<(string Name, PlanarImage Image)> images, string description)
    {
        if (images.Any(i => i.Image.Channels != 3))
        {
            throw new ArgumentException("Training images must be RGB.", nameof(images));
        }

        return new TrainingData([.. images.Select(i => i.Name)], [.. images.Select(i => (Func<PlanarImage>)(() => i.Image))], description);
    }

    /// <summary>The full image <paramref name="index"/> in base order.</summary>
    public PlanarImage Image(int index) => _loaders[index]();

    /// <summary>
    /// Batch <paramref name="step"/>: <paramref name="batch"/> random crops [N, 3, size, size] in [0, 1], in the
    /// caller's dispose scope. <paramref name="stream"/> separates independent uses of the same seed;
    /// <paramref name="augment"/> gives each crop a random rotation, flip and colour change (<see cref="StyleAugmentation"/>).
    /// </summary>
    public Tensor Batch(long step, int batch, int size, int seed, long stream, bool augment = false)
    {
        var planeLength = size * size * 3;
        var data = new float[batch * planeLength];
        for (var i = 0; i < batch; i++)
        {
            var index = (step * batch) + i;
            var crop = Crop(index, size, seed, stream);
            if (augment)
            {
                crop = StyleAugmentation.Apply(crop, Seeds.Derive(seed, stream + Seeds.AugmentOffset, index));
            }

            crop.Data.CopyTo(data, i * planeLength);
        }

        return tensor(data, [batch, 3, size, size]);
    }

    /// <summary>Sample <paramref name="index"/> of the endless seeded sequence, as a size × size crop.</summary>
    internal PlanarImage Crop(long index, int size, int seed, long stream)
    {
        var image = Load(index, size, seed, stream);
        using var scope = NewDisposeScope();
        var draws = rand(3, generator: new Generator(Seeds.Derive(seed, stream, index))).data<float>().ToArray();

        var shortSide = Math.Min(image.Width, image.Height);
        var largest = Math.Max(size, Math.Min(shortSide, 2 * size));
        var target = size + (draws[0] * (largest - size));
        var scale = target / shortSide;
        var width = Math.Max(size, (int)Math.Round(image.Width * scale));
        var height = Math.Max(size, (int)Math.Round(image.Height * scale));
        var resized = width == image.Width && height == image.Height ? image : image.Resize(width, height);
        var x = Math.Min((int)(draws[1] * (width - size + 1)), width - size);
        var y = Math.Min((int)(draws[2] * (height - size + 1)), height - size);
        return resized.Crop(x, y, size, size);
    }

    private PlanarImage Load(long index, int size, int seed, long stream)
    {
        var epoch = index / Count;
        var order = Order(seed, stream, epoch);
        var position = (int)(index % Count);
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var imageIndex = order[(position + attempt) % Count];
            if (_rejected.Contains(imageIndex))
            {
                continue;
            }

            try
            {
                return Cached(imageIndex, size);
            }
            catch (ImageRejectedException)
            {
                // A damaged file is skipped the same way every time, so runs stay reproducible.
                _rejected.Add(imageIndex);
            }
        }

        throw new InvalidDataException($"None of the {Count} training images in {Description} could be decoded.");
    }

    private PlanarImage Cached(int imageIndex, int size)
    {
        if (_cacheShortSide != 2 * size)
        {
            _cache.Clear();
            _cachedFloats = 0;
            _cacheShortSide = 2 * size;
        }

        if (_cache.TryGetValue(imageIndex, out var cached))
        {
            return cached;
        }

        // Crops never need more than twice the crop size on the short side.
        var image = _loaders[imageIndex]();
        var shortSide = Math.Min(image.Width, image.Height);
        if (shortSide > 2 * size)
        {
            var scale = 2.0 * size / shortSide;
            image = image.Resize(Math.Max(2 * size, (int)Math.Round(image.Width * scale)), Math.Max(2 * size, (int)Math.Round(image.Height * scale)));
        }

        if (_cachedFloats + image.Data.Length <= CacheBudgetFloats)
        {
            _cache[imageIndex] = image;
            _cachedFloats += image.Data.Length;
        }

        return image;
    }

    private int[] Order(int seed, long stream, long epoch)
    {
        if (_order is { } known && known.Stream == stream && known.Epoch == epoch)
        {
            return known.Order;
        }

        var order = Enumerable.Range(0, Count).ToArray();
        new Random(Seeds.DeriveInt(seed, stream + Seeds.OrderOffset, epoch)).Shuffle(order);
        _order = (stream, epoch, order);
        return order;
    }

    private static PlanarImage Decode(SafeImageReader reader, string path)
    {
        try
        {
            using var image = reader.ReadRgb(path);
            return image.ToPlanar();
        }
        catch (ImageRejectedException ex)
        {
            throw new ImageRejectedException(ex.Reason, $"{path}: {ex.Message}", ex);
        }
    }
}
