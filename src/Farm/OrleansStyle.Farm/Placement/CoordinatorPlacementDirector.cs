using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;
using OrleansStyle.Farm.Devices;
using OrleansStyle.Farm.Draining;

namespace OrleansStyle.Farm.Placement;

/// <summary>
/// Where a new job coordinator goes:
/// <list type="number">
/// <item>never on a draining silo: Orleans offers only active silos (a silo turns ShuttingDown as its drain starts),
/// and this silo leaves itself out from the moment its own drain starts, before the cluster has heard;</item>
/// <item>on a coordinator silo (one that announces no devices) where the cluster has any, so scaling GPU silos down
/// moves only tiles, never a job;</item>
/// <item>among those, this silo when it qualifies (the caller's silo, as Orleans' prefer-local placement), else one at
/// random.</item>
/// </list>
/// Without coordinator silos (the embedded default, small clusters) it behaves as prefer-local placement.
/// </summary>
public sealed class CoordinatorPlacementDirector(ISiloMetadataCache metadata, SiloDrain drain) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var active = context.GetCompatibleSilos(target);
        var local = context.LocalSilo;
        var candidates = drain.IsDraining || context.LocalSiloStatus != SiloStatus.Active
            ? [.. active.Where(s => !s.Equals(local))]
            : active;
        if (candidates.Length == 0)
        {
            throw new OrleansException($"No active silo can take job coordinator {target.GrainIdentity}: every silo is draining or leaving. Start a silo, or retry once one has joined.");
        }

        var coordinatorSilos = candidates.Where(IsCoordinatorSilo).ToArray();
        var pool = coordinatorSilos.Length > 0 ? coordinatorSilos : candidates;
        return Task.FromResult(pool.Contains(local) ? local : pool[Random.Shared.Next(pool.Length)]);
    }

    /// <summary>A silo that announces no devices: it exists to host coordinators (and gateways' clients).</summary>
    private bool IsCoordinatorSilo(SiloAddress silo) => DeviceInventory.FromMetadata(metadata.GetSiloMetadata(silo).Metadata).Count == 0;
}
