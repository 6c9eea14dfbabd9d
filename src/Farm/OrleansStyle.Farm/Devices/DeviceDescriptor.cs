using System.Globalization;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Devices;

/// <summary>A device a silo serves: <c>cpu</c>, <c>cuda:N</c> or <c>sim:N</c>.</summary>
public sealed record DeviceDescriptor(DeviceKind Kind, int Ordinal)
{
    public string Id => Kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.Cuda => string.Create(CultureInfo.InvariantCulture, $"cuda:{Ordinal}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"sim:{Ordinal}"),
    };

    public static bool TryParse(string text, out DeviceDescriptor device)
    {
        device = new DeviceDescriptor(DeviceKind.Cpu, 0);
        var value = text.Trim().ToLowerInvariant();
        if (value == "cpu")
        {
            return true;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal))
        {
            return false;
        }

        DeviceKind? kind = value[..colon] switch
        {
            "cuda" => DeviceKind.Cuda,
            "sim" => DeviceKind.Simulated,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        device = new DeviceDescriptor(kind.Value, ordinal);
        return true;
    }

    public override string ToString() => Id;
}
