using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Placement;

/// <summary>Every device worker of the cluster: each active silo's announced devices, read from silo metadata.</summary>
public sealed class WorkerDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    /// <summary>The smallest tile limit announced by an active silo with devices; 0 when none announces one.</summary>
    public int SmallestMaxTileSize() =>
        membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => metadata.GetSiloMetadata(member.SiloAddress).Metadata)
            .Where(m => DeviceInventory.FromMetadata(m).Count > 0)
            .Select(DeviceInventory.MaxTileFromMetadata)
            .Where(size => size > 0)
            .DefaultIfEmpty(0)
            .Min();

    public IReadOnlyList<WorkerAddress> ActiveWorkers() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .OrderBy(member => member.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .SelectMany(member => DeviceInventory.FromMetadata(metadata.GetSiloMetadata(member.SiloAddress).Metadata)
                .Select(device => new WorkerAddress(member.SiloAddress.ToParsableString(), device)))];
}
