using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Shutdown;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansStyle.Gateway.Tests;

/// <summary>The drain of a stopping gateway, in process (ServeShutdownTests stop a real <c>serve</c> with signals).</summary>
public sealed class DrainTests
{
    private const string Method = "/orleansstyle.v1.Models/ListModels";

    /// <summary>A bound that only catches a drain that hangs.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_draining_gateway_refuses_new_calls_waits_for_running_ones_and_still_answers_health_checks()
    {
        using var drain = Drain(TimeSpan.FromMinutes(5));
        var interceptor = new DrainInterceptor(drain);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = interceptor.UnaryServerHandler<string, string>("request", new FakeCallContext(Method), (_, _) => release.Task);

        var stopping = drain.StoppingAsync(CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RpcException>(() => Call(interceptor, Method));
        var health = await Call(interceptor, "/grpc.health.v1.Health/Check");
        var waitedForTheRunningCall = !stopping.IsCompleted;
        release.SetResult("done");

        Assert.Equal((StatusCode.Unavailable, "ok"), (refused.StatusCode, health));
        Assert.Contains("shutting down", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(waitedForTheRunningCall);
        Assert.Equal("done", await running);
        await stopping.WaitAsync(Hang);
        Assert.False(drain.GraceOver.IsCancellationRequested);
    }

    [Fact]
    public async Task After_the_grace_period_running_calls_are_told_to_end_and_say_why()
    {
        using var drain = Drain(TimeSpan.Zero);
        var interceptor = new DrainInterceptor(drain);
        var running = interceptor.UnaryServerHandler<string, string>("request", new FakeCallContext(Method), async (_, _) =>
        {
            await Task.Delay(Timeout.Infinite, drain.GraceOver).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw drain.Interrupted("job j goes on in the farm.");
        });

        await drain.StoppingAsync(CancellationToken.None).WaitAsync(Hang);
        var ended = await Assert.ThrowsAsync<RpcException>(() => running);

        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Contains("OrleansStyle:Gateway:ShutdownGrace", ended.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith("job j goes on in the farm.", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_or_overlong_grace_period_is_refused_with_the_setting_and_the_serve_option()
    {
        var validator = new GatewayOptionsValidator();

        foreach (var grace in new[] { TimeSpan.FromSeconds(-1), TimeSpan.FromHours(2) })
        {
            var failure = Assert.Single(validator.Validate(null, new GatewayOptions { RequireApiKey = false, ShutdownGrace = grace }).Failures!);
            Assert.Contains("OrleansStyle:Gateway:ShutdownGrace", failure, StringComparison.Ordinal);
            Assert.Contains("--shutdown-grace", failure, StringComparison.Ordinal);
        }

        Assert.True(validator.Validate(null, new GatewayOptions { RequireApiKey = false, ShutdownGrace = TimeSpan.Zero }).Succeeded);
    }

    private static GatewayDrain Drain(TimeSpan grace) =>
        new(MsOptions.Create(new GatewayOptions { ShutdownGrace = grace }), NullLogger<GatewayDrain>.Instance);

    private static Task<string> Call(DrainInterceptor interceptor, string method) =>
        interceptor.UnaryServerHandler<string, string>("request", new FakeCallContext(method), (_, _) => Task.FromResult("ok"));
}
