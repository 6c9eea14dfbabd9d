using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Gateway.Limits;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.V1;
using OrleansStyle.Tests.Shared;

namespace OrleansStyle.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class LimitsTests(GatewayServer server)
{
    [Fact]
    public async Task A_caller_past_its_concurrent_job_limit_is_resource_exhausted_until_one_ends()
    {
        var limiter = server.Host.Services.GetRequiredService<CallerJobLimiter>();
        var limit = server.Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value.MaxConcurrentJobsPerCaller;
        using var cancel = new CancellationTokenSource();
        var open = new List<AsyncDuplexStreamingCall<RenderRequest, RenderEvent>>();
        try
        {
            for (var i = 0; i < limit; i++)
            {
                // Header only: each call holds its slot while the server waits for the images.
                var call = server.Render.Render(GatewayServer.Key, cancellationToken: cancel.Token);
                open.Add(call);
                await call.RequestStream.WriteAsync(new RenderRequest { Header = RenderCalls.MultiHeader() });
            }

            await Eventually.Until(() => limiter.Open(GatewayServer.Caller), open => open == limit, $"{limit} open calls");
            var failure = await RenderCalls.ExpectFailure(
                () => RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 64, 48)))),
                StatusCode.ResourceExhausted);
            Assert.Equal("TOO_MANY_JOBS", failure.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        }
        finally
        {
            await cancel.CancelAsync();
            foreach (var call in open)
            {
                call.Dispose();
            }
        }

        await Eventually.Until(() => limiter.Open(GatewayServer.Caller), open => open == 0, "no open calls");
        var outcome = await RenderCalls.RenderAsync(server.Render, RenderCalls.MultiHeader(), RenderCalls.Chunks(GatewayFixtures.Encode(GatewayFixtures.Photo("ladybird", 64, 48))));
        Assert.Equal(V1.JobState.Completed, outcome.Summary.Job.State);
    }

    [Fact]
    public void Options_that_would_lock_everyone_out_or_use_weak_keys_are_refused_with_the_fix()
    {
        var validator = new GatewayOptionsValidator();

        var noKeys = validator.Validate(null, new GatewayOptions { RequireApiKey = true });
        var weak = validator.Validate(null, new GatewayOptions { ApiKeys = new() { ["ci"] = "short" } });
        var limits = validator.Validate(null, new GatewayOptions { RequireApiKey = false, MaxUploadBytes = 0, MaxConcurrentJobsPerCaller = 0, ResultChunkBytes = 4 << 20 });

        Assert.Contains("OrleansStyle__Gateway__ApiKeys__NAME", Assert.Single(noKeys.Failures!));
        Assert.Contains(weak.Failures!, f => f.Contains("openssl rand", StringComparison.Ordinal));
        Assert.Equal(3, limits.Failures!.Count());
        Assert.True(validator.Validate(null, new GatewayOptions { ApiKeys = new() { ["ci"] = "0123456789abcdef0123" } }).Succeeded);
    }

    [Fact]
    public async Task Reflection_lists_the_api()
    {
        using var call = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo(GatewayServer.Key);
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Superset(
            new HashSet<string> { "orleansstyle.v1.Render", "orleansstyle.v1.Jobs", "orleansstyle.v1.Models", "orleansstyle.v1.Styles", "orleansstyle.v1.Training", "grpc.health.v1.Health" },
            services.ToHashSet());
    }
}
