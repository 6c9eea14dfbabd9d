using System.Globalization;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// <c>orleans-style serve</c> as a real process, stopped as Kubernetes (SIGTERM) and a terminal (Ctrl+C, SIGINT)
/// stop it: the running render finishes, new calls are refused, a render outlasting a short grace period ends with
/// UNAVAILABLE, and the process leaves with exit code 0. The bundled four-style model on the CPU makes renders that
/// take seconds.
/// </summary>
public sealed partial class ServeShutdownTests : IDisposable
{
    /// <summary>Bounds for waits that only catch hangs: starting (a silo and Torch) and stopping on a busy machine.</summary>
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallLimit = TimeSpan.FromMinutes(5);

    private readonly string _folder = Directory.CreateTempSubdirectory("orleansstyle-serve-shutdown-").FullName;

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_signal_lets_the_running_render_finish_refuses_new_calls_and_exits_0(string signal)
    {
        await using var serve = Serve();
        using var channel = GrpcChannel.ForAddress(await serve.WaitUntilServingAsync(Startup));
        var render = new Render.RenderClient(channel);
        var photo = GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 480, 320));
        var undisturbed = await RenderCalls.RenderAsync(render, Header(), RenderCalls.Chunks(photo), [], Deadline());

        using var call = render.Render([], Deadline());
        await RenderCalls.SendAsync(call.RequestStream, Header(), RenderCalls.Chunks(photo));
        await ReadUntilAcceptedAsync(call.ResponseStream);

        // Reading no further holds the call open whatever the farm's speed: HTTP/2 flow control lets the gateway send
        // only the first 64 KiB of the result, so the render is certainly running when the signal arrives.
        await serve.SignalAsync(signal);
        var refused = await FirstRefusalAsync(new Models.ModelsClient(channel), serve);
        var outcome = await RenderCalls.ReadAsync(call.ResponseStream);

        Assert.Contains("shutting down", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("GATEWAY_SHUTTING_DOWN", refused.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Equal(JobState.Completed, outcome.Summary.Job.State);
        Assert.Equal(undisturbed.Result, outcome.Result);
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30) + StopMargin));
        // The drain found the render running (and maybe a refused call already knocking: the signal is handled
        // asynchronously). The console wraps long lines: compare words.
        var words = string.Join(' ', serve.Output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var running = RunningAtSignal().Match(words);
        Assert.True(running.Success && int.Parse(running.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, serve.Output);
    }

    [Fact]
    public async Task A_render_outlasting_the_grace_period_ends_with_unavailable_naming_its_job_and_serve_exits_0()
    {
        await using var serve = Serve("--shutdown-grace", "1");
        using var channel = GrpcChannel.ForAddress(await serve.WaitUntilServingAsync(Startup));
        var header = Header();
        header.JobId = $"shutdown-{Guid.NewGuid():N}";
        header.TileSize = 256; // many short tiles: the farm stops between them once the job is cancelled

        using var call = new Render.RenderClient(channel).Render([], Deadline());
        await RenderCalls.SendAsync(call.RequestStream, header, RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("garden", 2400, 1600))));
        await ReadUntilAcceptedAsync(call.ResponseStream);
        await serve.SignalAsync("TERM");
        var ended = await Assert.ThrowsAsync<RpcException>(() => RenderCalls.ReadAsync(call.ResponseStream));

        Assert.True(ended.StatusCode == StatusCode.Unavailable, $"expected UNAVAILABLE, got {ended.StatusCode}: {ended.Status.Detail}\n{serve.Output}");
        Assert.Contains("shutting down", ended.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("GATEWAY_SHUTTING_DOWN", ended.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.Contains($"job {header.JobId} was cancelled", ended.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(1) + StopMargin));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ServeProcess Serve(params string[] arguments)
    {
        var styles = Directory.CreateDirectory(Path.Combine(_folder, "styles")).FullName;
        return ServeProcess.Start(_folder, ["--models", BundledModels(), "--styles", styles, "--device", "cpu", .. arguments]);
    }

    private static RenderHeader Header() => new()
    {
        Model = "multi4",
        Regions = { new Region { Styles = { new StyleWeight { Name = "starry_night" } } } },
    };

    private static DateTime Deadline() => DateTime.UtcNow + CallLimit;

    private static async Task ReadUntilAcceptedAsync(IAsyncStreamReader<RenderEvent> events)
    {
        Assert.True(await events.MoveNext(), "the render ended before it was accepted");
        Assert.Equal(RenderEvent.EventOneofCase.Accepted, events.Current.EventCase);
    }

    /// <summary>Calls until the gateway refuses (it starts draining moments after the signal arrives).</summary>
    private static async Task<RpcException> FirstRefusalAsync(Models.ModelsClient models, ServeProcess serve)
    {
        try
        {
            var refusal = await Eventually.Until<RpcException?>(
                async () =>
                {
                    try
                    {
                        await models.ListModelsAsync(new ListModelsRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
                        return null;
                    }
                    catch (RpcException refused) when (refused.StatusCode == StatusCode.Unavailable)
                    {
                        return refused;
                    }
                },
                refused => refused is not null,
                "a call refused with Unavailable",
                TimeSpan.FromSeconds(30));
            return refusal!;
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{serve.Output}", timeout);
        }
    }

    /// <summary>The repository's models/ folder (multi4 ships there).</summary>
    private static string BundledModels()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var models = Path.Combine(directory.FullName, "models");
            if (File.Exists(Path.Combine(directory.FullName, "OrleansStyle.sln")) && File.Exists(Path.Combine(models, "multi4.safetensors")))
            {
                return models;
            }
        }

        throw new DirectoryNotFoundException("No models/multi4.safetensors in the repository above the tests.");
    }

    [GeneratedRegex(@"(\d+) running call\(s\) get up to 30 s")]
    private static partial Regex RunningAtSignal();
}
