namespace OrleansStyle.Farm.Admission;

/// <summary>The answer to a job asking to start: admitted or not, and the farm's count and cap at that moment.</summary>
[GenerateSerializer, Immutable, Alias("orleansstyle.v1.FarmAdmission")]
public sealed record FarmAdmission(
    [property: Id(0)] bool Admitted,
    [property: Id(1)] int Active,
    [property: Id(2)] int Limit);
