using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Placement;

/// <summary>
/// A worker's key names its silo and device. The worker is activated on that silo if it is active and announces
/// the device; otherwise placement fails (the caller sees the error and routes elsewhere) — a worker never lands
/// on a silo without its device, and never moves when its silo dies.
/// </summary>
public sealed class DevicePlacementDirector(ISiloMetadataCache metadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString() ?? "";
        if (!WorkerAddress.TryParse(key, out var address))
        {
            throw new OrleansException($"Worker key '{key}' is not SILO|DEVICE.");
        }

        var silo = context.GetCompatibleSilos(target).FirstOrDefault(s => s.ToParsableString() == address.Silo)
            ?? throw new OrleansException($"Worker {key}: silo {address.Silo} is not an active member of the cluster.");
        var devices = DeviceInventory.FromMetadata(metadata.GetSiloMetadata(silo).Metadata);
        return devices.Contains(address.Device)
            ? Task.FromResult(silo)
            : throw new OrleansException($"Worker {key}: silo {address.Silo} does not announce device {address.Device} (it has: {string.Join(", ", devices)}).");
    }
}
