namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// No job has this id: it was never submitted, or its result was collected and its retention is over. Not a
/// fault of the request that named it (gateways answer NOT_FOUND); an <see cref="InvalidJobException"/> so callers
/// that treat both alike keep working.
/// </summary>
[GenerateSerializer, Alias("orleansstyle.v1.JobNotFoundException")]
public sealed class JobNotFoundException : InvalidJobException
{
    public JobNotFoundException()
    {
    }

    public JobNotFoundException(string message)
        : base(message)
    {
    }

    public JobNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
