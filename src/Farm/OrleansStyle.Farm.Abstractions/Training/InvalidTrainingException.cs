namespace OrleansStyle.Farm.Training;

/// <summary>The training job's spec is unusable, or the job is unknown; the message says what to change.</summary>
[GenerateSerializer, Alias("orleansstyle.v1.InvalidTrainingException")]
public sealed class InvalidTrainingException : Exception
{
    public InvalidTrainingException()
    {
    }

    public InvalidTrainingException(string message)
        : base(message)
    {
    }

    public InvalidTrainingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
