using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Security;

/// <summary>The configured API keys, for every door that asks for one (gRPC calls, the dashboard).</summary>
public sealed class ApiKeyRing
{
    private readonly (string Caller, byte[] Hash)[] _keys;

    public ApiKeyRing(IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Required = options.Value.RequireApiKey;
        // Compare hashes in fixed time so the comparison leaks neither the key nor its length.
        _keys = [.. options.Value.ApiKeys.Select(pair => (pair.Key, SHA256.HashData(Encoding.UTF8.GetBytes(pair.Value))))];
    }

    /// <summary>Callers must present a key (<see cref="GatewayOptions.RequireApiKey"/>).</summary>
    public bool Required { get; }

    /// <summary>The caller whose key <paramref name="presented"/> is, or null.</summary>
    public string? Caller(string presented)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? caller = null;
        foreach (var (name, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key))
            {
                caller = name;
            }
        }

        return caller;
    }
}
