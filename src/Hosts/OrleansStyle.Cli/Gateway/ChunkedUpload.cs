using Google.Protobuf;
using Grpc.Core;

namespace OrleansStyle.Cli.Gateway;

/// <summary>Sends a file over a client stream as ≤ 1 MiB chunks after its header (the gateway's message limit).</summary>
internal static class ChunkedUpload
{
    public const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Writes the header and the file, then completes the stream. A refusal part-way is not thrown here: the gateway's
    /// reason arrives as the call's status, which the caller reads next.
    /// </summary>
    public static async Task SendAsync<TRequest>(
        IClientStreamWriter<TRequest> requests, TRequest header, string path, Func<ByteString, TRequest> chunk, CancellationToken cancellationToken)
    {
        try
        {
            await requests.WriteAsync(header, cancellationToken);
            await foreach (var data in ReadAsync(path, cancellationToken))
            {
                await requests.WriteAsync(chunk(data), cancellationToken);
            }

            await requests.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // Refused part-way: the reason is the call's status.
        }
    }

    /// <summary>The file in ≤ 1 MiB pieces; an empty file is one empty piece, so the gateway hears of it and names it.</summary>
    public static async IAsyncEnumerable<ByteString> ReadAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var buffer = new byte[ChunkBytes];
        var any = false;
        int read;
        while ((read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0 || !any)
        {
            any = true;
            yield return ByteString.CopyFrom(buffer, 0, read);
        }
    }

    public static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"No such file: {path}", path);
}
