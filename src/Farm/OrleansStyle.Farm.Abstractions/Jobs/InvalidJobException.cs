namespace OrleansStyle.Farm.Jobs;

/// <summary>
/// The job's spec or picture is unusable, or (<see cref="JobNotFoundException"/>) there is no such job; the message
/// says what to change.
/// </summary>
[GenerateSerializer, Alias("orleansstyle.v1.InvalidJobException")]
public class InvalidJobException : Exception
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
