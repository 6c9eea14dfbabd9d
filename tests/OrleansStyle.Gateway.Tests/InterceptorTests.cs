using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansStyle.Gateway.Limits;
using OrleansStyle.Gateway.Options;
using OrleansStyle.Gateway.Security;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansStyle.Gateway.Tests;

public sealed class InterceptorTests
{
    private const string Method = "/orleansstyle.v1.Models/ListModels";
    private const string Key = "alice-key-0123456789abcdef";

    [Fact]
    public async Task The_rate_limit_refuses_a_caller_past_its_allowance_and_not_other_callers()
    {
        using var limiter = new RateLimitInterceptor(MsOptions.Create(new GatewayOptions { RequestsPerMinutePerCaller = 3 }));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("ok", await Call(limiter, new FakeCallContext(Method)));
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => Call(limiter, new FakeCallContext(Method)));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("ok", await Call(limiter, new FakeCallContext(Method, peer: "ipv4:10.1.2.3:4000")));
        Assert.Equal("ok", await Call(limiter, new FakeCallContext("/grpc.health.v1.Health/Check")));
    }

    [Fact]
    public async Task Api_keys_name_the_caller_and_health_checks_need_none()
    {
        var interceptor = new ApiKeyInterceptor(
            MsOptions.Create(new GatewayOptions { ApiKeys = new() { ["alice"] = Key } }), NullLogger<ApiKeyInterceptor>.Instance);

        var context = new FakeCallContext(Method, new Metadata { { "x-api-key", Key } });
        Assert.Equal("ok", await Call(interceptor, context));
        Assert.Equal("alice", CallerIdentity.Get(context));

        foreach (var headers in new[] { new Metadata(), new Metadata { { "x-api-key", Key + "x" } }, new Metadata { { "x-api-key", "" } } })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => Call(interceptor, new FakeCallContext(Method, headers)));
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        }

        Assert.Equal("ok", await Call(interceptor, new FakeCallContext("/grpc.health.v1.Health/Check")));
    }

    [Theory]
    [InlineData("ipv4:127.0.0.1:5555", "peer:127.0.0.1")]
    [InlineData("ipv6:[::1]:5555", "peer:[::1]")]
    [InlineData("unix:/tmp/socket", "peer:unix:/tmp/socket")]
    [InlineData("", "peer:unknown")]
    public void Callers_without_a_key_are_known_by_their_host(string peer, string caller) =>
        Assert.Equal(caller, CallerIdentity.FromPeer(peer));

    private static Task<string> Call(Grpc.Core.Interceptors.Interceptor interceptor, ServerCallContext context) =>
        interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => Task.FromResult("ok"));
}
