namespace OrleansStyle.Farm.Jobs;

/// <summary>The job's spec or picture is unusable; the message says what to change.</summary>
[GenerateSerializer, Alias("orleansstyle.v1.InvalidJobException")]
public sealed class InvalidJobException : Exception
{
    public InvalidJobException()
    {
    }

    public InvalidJobException(string message)
        : base(message)
    {
    }

    public InvalidJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
