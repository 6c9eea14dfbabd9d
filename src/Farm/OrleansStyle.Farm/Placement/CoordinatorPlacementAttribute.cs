using Orleans.Placement;

namespace OrleansStyle.Farm.Placement;

/// <summary>Marks a job coordinator grain (render, training, video jobs): see <see cref="CoordinatorPlacementDirector"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CoordinatorPlacementAttribute() : PlacementAttribute(CoordinatorPlacementStrategy.Instance);
