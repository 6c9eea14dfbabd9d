using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansStyle.Gateway.Errors;

namespace OrleansStyle.Gateway.Tests;

/// <summary>
/// What a caller is told when the cluster loses a silo under a call: UNAVAILABLE (retry), never INTERNAL, as the
/// chaos runs showed a killed silo surfacing as ConnectionFailedException in the gateway's Orleans client.
/// </summary>
public sealed class FarmUnavailableMappingTests
{
    public static TheoryData<string> LostSilo => ["connection", "silo", "response lost"];

    [Theory]
    [MemberData(nameof(LostSilo))]
    public async Task A_call_that_loses_its_silo_is_unavailable_with_a_retry_hint_not_internal(string how)
    {
        Exception lost = how switch
        {
            "connection" => new ConnectionFailedException("Unable to connect to endpoint S10.0.0.7:11111:0."),
            "silo" => new SiloUnavailableException("The silo is dead."),
            // The gateway silo a request went through was killed: Orleans' client waits out its response timeout.
            _ => new TimeoutException("Response did not arrive on time in 00:00:30 for message: Request [S10.0.0.7:30000:0 renderjob/k2] Submit"),
        };
        var interceptor = new ErrorMappingInterceptor(NullLogger<ErrorMappingInterceptor>.Instance);

        var failure = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>(
            "request", new FakeCallContext("/orleansstyle.v1.Jobs/AttachJob"), (_, _) => Task.FromException<string>(lost)));

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Equal("FARM_UNAVAILABLE", failure.GetRpcStatus()!.GetDetail<ErrorInfo>().Reason);
        Assert.DoesNotContain("10.0.0.7", failure.Status.Detail, StringComparison.Ordinal);
    }
}
