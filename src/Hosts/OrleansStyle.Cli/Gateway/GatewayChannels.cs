using Grpc.Core;
using Grpc.Net.Client;

namespace OrleansStyle.Cli.Gateway;

/// <summary>Channels to a gateway and the API key header (from --api-key or ORLEANSSTYLE_API_KEY).</summary>
internal static class GatewayChannels
{
    public const string ApiKeyVariable = "ORLEANSSTYLE_API_KEY";

    public static GrpcChannel Open(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--gateway '{url}' is not a gateway address: use e.g. http://localhost:5080 or https://gateway.example:443.");
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 4 << 20 });
    }

    public static Metadata Headers(string? apiKey)
    {
        var key = apiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable);
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(key))
        {
            headers.Add("x-api-key", key);
        }

        return headers;
    }
}
