namespace OrleansStyle.Farm.Spool;

/// <summary>A spooled item is gone: its job was collected or swept, or the spool is not shared by this silo.</summary>
public sealed class SpoolItemMissingException : IOException
{
    public SpoolItemMissingException()
    {
    }

    public SpoolItemMissingException(string message)
        : base(message)
    {
    }

    public SpoolItemMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
