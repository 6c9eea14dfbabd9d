using static TorchSharp.torch;

namespace OrleansStyle.Farm.Devices;

/// <summary>
/// Which devices a silo announces. The list travels as silo metadata under <see cref="MetadataKey"/>, so
/// placement and coordinators anywhere in the cluster know which silo has which device.
/// </summary>
public static class DeviceInventory
{
    public const string MetadataKey = "orleansstyle.devices";

    /// <summary>Silo metadata: the largest tile side the silo's devices take.</summary>
    public const string MaxTileMetadataKey = "orleansstyle.max-tile";

    /// <summary>The configured limit, else the smallest default of the silo's devices (0 without devices).</summary>
    public static int MaxTileSize(DeviceOptions options, IReadOnlyList<DeviceDescriptor> devices) =>
        options.MaxTileSize > 0 ? options.MaxTileSize
        : devices.Count == 0 ? 0
        : devices.Min(d => d.Kind == Workers.DeviceKind.Cuda ? 2048 : 512);

    public static int MaxTileFromMetadata(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(MaxTileMetadataKey, out var value)
            && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            ? size
            : 0;

    /// <summary>The configured devices, else every CUDA device when the CUDA backend is present, else the CPU.</summary>
    public static IReadOnlyList<DeviceDescriptor> Resolve(DeviceOptions options)
    {
        if (!options.Announce)
        {
            return [];
        }

        if (options.Devices.Count > 0)
        {
            return [.. options.Devices.Select(d => DeviceDescriptor.TryParse(d, out var device)
                ? device
                : throw new ArgumentException($"Unknown device '{d}': use cpu, cuda:N or sim:N."))];
        }

        var gpus = cuda.is_available() ? cuda.device_count() : 0;
        return gpus > 0
            ? [.. Enumerable.Range(0, gpus).Select(i => new DeviceDescriptor(Workers.DeviceKind.Cuda, i))]
            : [new DeviceDescriptor(Workers.DeviceKind.Cpu, 0)];
    }

    public static string ToMetadata(IEnumerable<DeviceDescriptor> devices) => string.Join(',', devices.Select(d => d.Id));

    public static IReadOnlyList<string> FromMetadata(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(MetadataKey, out var value) && value.Length > 0
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
