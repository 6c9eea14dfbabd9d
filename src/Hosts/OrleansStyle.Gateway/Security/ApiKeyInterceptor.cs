using Grpc.Core;
using OrleansStyle.Gateway.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansStyle.Gateway.Options;

namespace OrleansStyle.Gateway.Security;

/// <summary>
/// Checks the <c>x-api-key</c> metadata header against the configured keys and records the caller's name. Health
/// checks stay open so orchestrators can probe the gateway without a key.
/// </summary>
public sealed partial class ApiKeyInterceptor : AdmissionInterceptor
{
    private readonly bool _required;
    private readonly ApiKeyRing _keys;
    private readonly ILogger<ApiKeyInterceptor> _logger;

    public ApiKeyInterceptor(IOptions<GatewayOptions> options, ILogger<ApiKeyInterceptor> logger)
    {
        _keys = new ApiKeyRing(options);
        _required = _keys.Required;
        _logger = logger;
    }

    protected override void Admit(ServerCallContext context)
    {
        if (IsHealthCheck(context))
        {
            return;
        }

        var presented = context.RequestHeaders.GetValue(CallerIdentity.ApiKeyHeader);
        if (presented is { Length: > 0 })
        {
            if (_keys.Caller(presented) is { } caller)
            {
                CallerIdentity.Set(context, caller);
                return;
            }

            if (_required)
            {
                LogRejected(_logger, context.Method, CallerIdentity.FromPeer(context.Peer), "an unknown key");
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"The {CallerIdentity.ApiKeyHeader} header holds no valid API key: ask the operator for one."));
            }
        }
        else if (_required)
        {
            LogRejected(_logger, context.Method, CallerIdentity.FromPeer(context.Peer), "no key");
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"Send an API key in the {CallerIdentity.ApiKeyHeader} metadata header."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {Problem}")]
    private static partial void LogRejected(ILogger logger, string method, string peer, string problem);
}
