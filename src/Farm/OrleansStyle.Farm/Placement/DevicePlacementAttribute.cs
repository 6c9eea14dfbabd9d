using Orleans.Placement;

namespace OrleansStyle.Farm.Placement;

/// <summary>Marks a grain class whose key is a <see cref="Workers.WorkerAddress"/>: see <see cref="DevicePlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class DevicePlacementAttribute() : PlacementAttribute(DevicePlacementStrategy.Instance);
