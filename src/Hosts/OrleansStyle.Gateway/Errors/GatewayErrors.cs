using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace OrleansStyle.Gateway.Errors;

/// <summary>
/// RpcExceptions with rich status details (google.rpc.BadRequest field violations, google.rpc.ErrorInfo reasons),
/// so clients can point at the field they must change.
/// </summary>
public static class GatewayErrors
{
    public const string Domain = "orleansstyle.v1";

    public static RpcException InvalidArgument(string field, string description, string? reason = null) =>
        Build(Code.InvalidArgument, $"{field}: {description}", reason, new BadRequest
        {
            FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } },
        });

    /// <summary>Every problem of a request at once, so the caller can fix them in one go.</summary>
    public static RpcException InvalidArguments(IReadOnlyList<(string Field, string Description)> violations, string? reason = null)
    {
        var badRequest = new BadRequest();
        foreach (var (field, description) in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        return Build(Code.InvalidArgument, string.Join(" ", violations.Select(v => $"{v.Field}: {v.Description}")), reason, badRequest);
    }

    public static RpcException NotFound(string message, string? reason = null) => Build(Code.NotFound, message, reason);

    public static RpcException ResourceExhausted(string message, string reason) => Build(Code.ResourceExhausted, message, reason);

    public static RpcException Build(Code code, string message, string? reason = null, BadRequest? badRequest = null)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        if (badRequest is not null)
        {
            status.Details.Add(Any.Pack(badRequest));
        }

        if (reason is not null)
        {
            status.Details.Add(Any.Pack(new ErrorInfo { Domain = Domain, Reason = reason }));
        }

        return status.ToRpcException();
    }
}
