namespace OrleansStyle.Farm.Jobs;

/// <summary>The job names a model the cluster's model registry does not have.</summary>
[GenerateSerializer, Alias("orleansstyle.v1.ModelNotFoundException")]
public sealed class ModelNotFoundException : Exception
{
    public ModelNotFoundException()
    {
    }

    public ModelNotFoundException(string message)
        : base(message)
    {
    }

    public ModelNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
