using Grpc.Core;

namespace OrleansStyle.Gateway.Security;

/// <summary>Who made a call: the API key's caller name, or the peer's address when keys are not required.</summary>
public static class CallerIdentity
{
    public const string ApiKeyHeader = "x-api-key";

    private const string UserStateKey = "orleansstyle.caller";

    public static string Get(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.UserState.TryGetValue(UserStateKey, out var caller) && caller is string name ? name : FromPeer(context.Peer);
    }

    internal static void Set(ServerCallContext context, string caller) => context.UserState[UserStateKey] = caller;

    /// <summary>"ipv4:127.0.0.1:5555" → "peer:127.0.0.1": the port changes per connection, the host does not.</summary>
    internal static string FromPeer(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "peer:unknown";
        }

        // Only IP peers carry a port; anything else (unix sockets) is kept whole.
        var scheme = peer.IndexOf(':', StringComparison.Ordinal);
        if (scheme <= 0 || peer[..scheme] is not ("ipv4" or "ipv6"))
        {
            return "peer:" + peer;
        }

        var address = peer[(scheme + 1)..];
        var port = address.LastIndexOf(':');
        return "peer:" + (port > 0 && !address.EndsWith(']') ? address[..port] : address);
    }
}
