using Orleans.Runtime.MembershipService.SiloMetadata;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Workers;

namespace OrleansStyle.Farm.Placement;

/// <summary>Every device worker of the cluster: each active silo's announced devices, read from silo metadata.</summary>
public sealed class WorkerDirectory(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    public IReadOnlyList<WorkerAddress> ActiveWorkers() =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .OrderBy(member => member.SiloAddress.ToParsableString(), StringComparer.Ordinal)
            .SelectMany(member => DeviceInventory.FromMetadata(metadata.GetSiloMetadata(member.SiloAddress).Metadata)
                .Select(device => new WorkerAddress(member.SiloAddress.ToParsableString(), device)))];
}
