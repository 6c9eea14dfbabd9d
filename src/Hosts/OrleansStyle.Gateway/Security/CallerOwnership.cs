using Grpc.Core;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.Rendering;

namespace OrleansStyle.Gateway.Security;

/// <summary>
/// Jobs belong to the caller that started them. Another caller's job is answered exactly like an unknown id
/// (NOT_FOUND), so ids reveal nothing about other callers' work.
/// </summary>
internal static class CallerOwnership
{
    /// <param name="lookup">The job's status, or null when the farm knows no such job.</param>
    public static async Task<T> RequireOwnAsync<T>(
        ServerCallContext context, string jobId, Func<Task<T?>> lookup, Func<T, string?> callerOf, string what, string reason)
        where T : class
    {
        if (!JobIds.IsValid(jobId))
        {
            throw GatewayErrors.InvalidArgument("job_id", $"'{jobId}' is not a job id: {JobIds.Rule}.");
        }

        return await lookup() is { } status && callerOf(status) == CallerIdentity.Get(context)
            ? status
            : throw GatewayErrors.NotFound($"You have no {what} '{jobId}' (finished jobs are kept for a limited time).", reason);
    }
}
