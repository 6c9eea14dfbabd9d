using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using OrleansStyle.Gateway.Security;

namespace OrleansStyle.Gateway.Telemetry;

/// <summary>
/// The dashboard's door: only on the telemetry listener, and with the gateway's API keys when they are required. A
/// browser sends the key as the password of HTTP Basic authentication (any user name, it asks once); scripts may
/// send the <c>x-api-key</c> header as gRPC callers do.
/// </summary>
public sealed class DashboardAccess(RequestDelegate next, TelemetryEndpoint endpoint, ApiKeyRing keys)
{
    public const string Path = "/dashboard";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Path.StartsWithSegments(Path, StringComparison.Ordinal))
        {
            return next(context);
        }

        if (!endpoint.Serves(context))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (!keys.Required || Presented(context.Request) is { } key && keys.Caller(key) is not null)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"orleans-style dashboard: the password is your API key\", charset=\"UTF-8\"";
        return context.Response.WriteAsync($"Send an API key: as the Basic password, or in the {CallerIdentity.ApiKeyHeader} header.");
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers[CallerIdentity.ApiKeyHeader].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        if (AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var authorization)
            && string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            && authorization.Parameter is { Length: > 0 } parameter)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                return pair.IndexOf(':', StringComparison.Ordinal) is >= 0 and var colon ? pair[(colon + 1)..] : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
