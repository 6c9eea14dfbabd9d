namespace OrleansStyle.Farm.Placement;

/// <summary>Places a job coordinator off the devices and off draining silos: see <see cref="CoordinatorPlacementDirector"/>.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.CoordinatorPlacementStrategy")]
public sealed class CoordinatorPlacementStrategy : PlacementStrategy
{
    public static CoordinatorPlacementStrategy Instance { get; } = new();
}
