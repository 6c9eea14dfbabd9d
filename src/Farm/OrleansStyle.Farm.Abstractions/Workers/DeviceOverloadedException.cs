namespace OrleansStyle.Farm.Workers;

/// <summary>
/// The device's queue is full: the tile was not accepted (nothing was lost) and should go elsewhere or wait.
/// </summary>
[GenerateSerializer, Alias("orleansstyle.v1.DeviceOverloadedException")]
public sealed class DeviceOverloadedException : Exception
{
    public DeviceOverloadedException()
    {
    }

    public DeviceOverloadedException(string message)
        : base(message)
    {
    }

    public DeviceOverloadedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
