using Orleans.Runtime.Messaging;

namespace OrleansStyle.Farm.Client;

/// <summary>
/// Failures that say the farm could not be reached for a moment, not that the request was wrong: a silo was killed
/// (calls through it or to its activations fail with <see cref="ConnectionFailedException"/> or are rejected until the
/// cluster declares it dead), or a request in flight through a gateway silo that died got no response (Orleans'
/// client does not fail those when the connection drops: they end with <see cref="TimeoutException"/> after the
/// response timeout), or the cluster's Redis did not answer in time. The coordinator of a job comes back from its
/// persisted state, so callers retry these.
/// </summary>
public static class FarmUnreachable
{
    public static bool Is(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException => true,

        // The cluster's Redis (grain state, reminders) did not answer in time: the coordinator's next try will do.
        Orleans.Reminders.Redis.RedisRemindersException or StackExchange.Redis.RedisTimeoutException or StackExchange.Redis.RedisConnectionException => true,
        AggregateException { InnerExceptions.Count: 1 } aggregate => Is(aggregate.InnerExceptions[0]),
        _ => false,
    };
}
