using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace OrleansStyle.Gateway.Hosting;

/// <summary>
/// One cleartext port for browsers and gRPC clients. Kestrel picks HTTP/1.1 for every cleartext connection of an
/// Http1AndHttp2 endpoint (there is no ALPN to ask), and answers gRPC clients' prior-knowledge HTTP/2 with
/// HTTP_1_1_REQUIRED (dotnet/aspnetcore#56984). This connection middleware looks at the first bytes: the HTTP/2
/// connection preface (RFC 9113 §3.4) is marked as ALPN "h2", which is what Kestrel selects HTTP/2 by; anything
/// else goes on as HTTP/1.1 with its bytes untouched. Drop it once Kestrel detects the preface itself.
/// </summary>
internal static class Http2PriorKnowledge
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    /// <summary>A client that has not sent its first bytes by then is dropped (Kestrel's own timeouts start later).</summary>
    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(30);

    public static ListenOptions UseHttp2PriorKnowledgeDetection(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);

        // Kestrel compares a request's :scheme with the transport's, and the marked connection now looks like TLS: let
        // "http" through (the gateway makes no decision by scheme).
        listen.KestrelServerOptions.AllowAlternateSchemes = true;
        listen.Use(next => async connection =>
        {
            if (await StartsWithPrefaceAsync(connection))
            {
                connection.Features.Set<ITlsConnectionFeature>(PriorKnowledge.Instance);
                connection.Features.Set<ITlsApplicationProtocolFeature>(PriorKnowledge.Instance);
            }

            await next(connection);
        });
        return listen;
    }

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(FirstBytesTimeout);
        var input = connection.Transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                var length = (int)Math.Min(buffer.Length, Preface.Length);
                var head = buffer.Slice(0, length).ToArray();
                var matches = head.AsSpan().SequenceEqual(Preface.AsSpan(0, length));
                if (!matches || length == Preface.Length || result.IsCompleted)
                {
                    input.AdvanceTo(buffer.Start); // nothing consumed: Kestrel reads the same bytes again
                    return matches && length == Preface.Length;
                }

                input.AdvanceTo(buffer.Start, buffer.End); // a prefix of the preface so far: wait for more
            }
        }
        catch (OperationCanceledException)
        {
            return false; // closed or silent: Kestrel's HTTP/1.1 handling ends it
        }
    }

    /// <summary>Says "h2" as ALPN would. No handshake feature is set, so Kestrel checks no TLS version or cipher.</summary>
    private sealed class PriorKnowledge : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static readonly PriorKnowledge Instance = new();

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set => throw new NotSupportedException("A cleartext connection has no client certificate.");
        }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
