namespace OrleansStyle.Farm.Placement;

/// <summary>Places a device worker on the silo named in its key, and nowhere else.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.DevicePlacementStrategy")]
public sealed class DevicePlacementStrategy : PlacementStrategy
{
    public static DevicePlacementStrategy Instance { get; } = new();
}
