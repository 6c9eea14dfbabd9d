namespace OrleansStyle.Farm.Training;

/// <summary>No device of the farm can train (none has training photos configured, or only simulated devices exist); the message says what to set.</summary>
[GenerateSerializer, Alias("orleansstyle.v1.TrainingUnavailableException")]
public sealed class TrainingUnavailableException : Exception
{
    public TrainingUnavailableException()
    {
    }

    public TrainingUnavailableException(string message)
        : base(message)
    {
    }

    public TrainingUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
