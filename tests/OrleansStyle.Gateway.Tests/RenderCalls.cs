using Google.Protobuf;
using Grpc.Core;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>Client-side helpers: stream a header and images in 1 MiB chunks, collect what comes back.</summary>
internal static class RenderCalls
{
    public const int ChunkBytes = 1 << 20;

    public static RenderHeader MultiHeader(params (string Name, float Weight)[] styles)
    {
        var region = new Region();
        foreach (var (name, weight) in styles.Length > 0 ? styles : [("style0", 1f)])
        {
            region.Styles.Add(new StyleWeight { Name = name, Weight = weight });
        }

        return new RenderHeader { Model = GatewayFixtures.Multi, Regions = { region } };
    }

    /// <summary>A detached optimisation far longer than any test (send a style image named "m"): it only ends when cancelled.</summary>
    public static RenderHeader LongDetachedOptimisation(string id) => new()
    {
        JobId = id,
        DetachOnDisconnect = true,
        Method = RenderMethod.Optimize,
        CoarseIterations = 10_000,
        Regions = { new Region { Styles = { new StyleWeight { Name = "m" } } } },
    };

    public static IEnumerable<RenderRequest> Chunks(byte[] data, ImagePart part = ImagePart.Content, string name = "")
    {
        for (var offset = 0; offset < data.Length; offset += ChunkBytes)
        {
            var length = Math.Min(ChunkBytes, data.Length - offset);
            yield return new RenderRequest { Chunk = new ImageChunk { Part = part, Name = name, Data = ByteString.CopyFrom(data, offset, length) } };
        }
    }

    /// <summary>Sends everything, then reads the whole response. A server error surfaces as the RpcException of the read.</summary>
    public static async Task<RenderOutcome> RenderAsync(
        Render.RenderClient client, RenderHeader header, IEnumerable<RenderRequest> chunks, Metadata? headers = null,
        DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        using var call = client.Render(headers ?? GatewayServer.Key, deadline, cancellationToken);
        await SendAsync(call.RequestStream, header, chunks);
        return await ReadAsync(call.ResponseStream, cancellationToken);
    }

    /// <summary>
    /// Renders once the gateway admits the call: RESOURCE_EXHAUSTED (a caller's or the farm's job limit) is asked again
    /// until <paramref name="what"/> happens or a minute passes, for tests that free a slot and wait for it to show.
    /// </summary>
    public static async Task<RenderOutcome> RenderOnceAdmittedAsync(
        Render.RenderClient client, RenderHeader header, IReadOnlyList<RenderRequest> chunks, Metadata headers, string what)
    {
        var outcome = await Eventually.Until<RenderOutcome?>(
            async () =>
            {
                try
                {
                    return await RenderAsync(client, header, chunks, headers);
                }
                catch (RpcException refusal) when (refusal.StatusCode == StatusCode.ResourceExhausted)
                {
                    return null;
                }
            },
            result => result is not null,
            what,
            TimeSpan.FromMinutes(1));
        return outcome!;
    }

    public static async Task SendAsync(IClientStreamWriter<RenderRequest> requests, RenderHeader header, IEnumerable<RenderRequest> chunks)
    {
        try
        {
            await requests.WriteAsync(new RenderRequest { Header = header });
            foreach (var chunk in chunks)
            {
                await requests.WriteAsync(chunk);
            }

            await requests.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException)
        {
            // The server ended the call early (e.g. a refused upload): its status comes with the response.
        }
    }

    public static async Task<RenderOutcome> ReadAsync(IAsyncStreamReader<RenderEvent> responses, CancellationToken cancellationToken = default)
    {
        var events = new List<RenderEvent>();
        using var result = new MemoryStream();
        while (await responses.MoveNext(cancellationToken))
        {
            var item = responses.Current;
            events.Add(item);
            if (item.EventCase == RenderEvent.EventOneofCase.Result)
            {
                Assert.Equal(result.Length, item.Result.Offset);
                Assert.InRange(item.Result.Data.Length, 1, ChunkBytes);
                item.Result.Data.WriteTo(result);
            }
        }

        return new RenderOutcome(events, result.ToArray());
    }

    /// <summary>A small good render completes: the gateway still serves after whatever came before.</summary>
    public static async Task AssertServingAsync(Render.RenderClient client)
    {
        var outcome = await RenderAsync(client, MultiHeader(), Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("raindrops", 64, 48))));
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
    }

    public static async Task<RpcException> ExpectFailure(Func<Task> call, StatusCode expected)
    {
        var failure = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(failure.StatusCode == expected, $"expected {expected}, got {failure.StatusCode}: {failure.Status.Detail}");
        return failure;
    }
}

internal sealed record RenderOutcome(IReadOnlyList<RenderEvent> Events, byte[] Result)
{
    public JobInfo Accepted => Events.First(e => e.EventCase == RenderEvent.EventOneofCase.Accepted).Accepted;

    public RenderSummary Summary => Events[^1].Summary ?? throw new InvalidOperationException("The last event is not a summary.");

    public int ResultChunks => Events.Count(e => e.EventCase == RenderEvent.EventOneofCase.Result);

    public int ProgressEvents => Events.Count(e => e.EventCase == RenderEvent.EventOneofCase.Progress);
}
