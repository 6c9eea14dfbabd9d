namespace OrleansStyle.Farm.Jobs;

/// <summary>A job id was resubmitted with a different request than the one it names (idempotency keys name one request).</summary>
[GenerateSerializer, Alias("orleansstyle.v1.JobIdInUseException")]
public sealed class JobIdInUseException : Exception
{
    public JobIdInUseException()
    {
    }

    public JobIdInUseException(string message)
        : base(message)
    {
    }

    public JobIdInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
