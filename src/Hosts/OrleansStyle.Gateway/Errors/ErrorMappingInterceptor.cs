using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Imaging;

namespace OrleansStyle.Gateway.Errors;

/// <summary>
/// The outermost interceptor: turns every exception a service lets escape into an RpcException with the right
/// status, so a bad request never surfaces as UNKNOWN and nothing a caller sends can take the process down.
/// </summary>
public sealed partial class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    internal RpcException Map(Exception exception, ServerCallContext context)
    {
        // A caller that went away (reset stream, cancelled call) makes reads and writes fail in many ways: none is a fault.
        if (context.CancellationToken.IsCancellationRequested
            && exception is IOException or OperationCanceledException or InvalidOperationException or System.Threading.Channels.ChannelClosedException)
        {
            return DeadlinePassed(context)
                ? GatewayErrors.Build(Code.DeadlineExceeded, "The call's deadline passed before the work finished.", "DEADLINE")
                : GatewayErrors.Build(Code.Cancelled, "The call was cancelled.", "CANCELLED");
        }

        switch (exception)
        {
            case ImageRejectedException rejected:
                return GatewayErrors.InvalidArgument("image", rejected.Message, ReasonName(rejected.Reason));
            case JobIdInUseException inUse:
                return GatewayErrors.Build(Code.AlreadyExists, inUse.Message, "JOB_ID_IN_USE");
            case JobNotFoundException missing:
                return GatewayErrors.NotFound(missing.Message, "JOB_NOT_FOUND");
            case InvalidJobException invalid:
                return GatewayErrors.InvalidArgument("header", invalid.Message, "INVALID_JOB");
            case Farm.Training.InvalidTrainingException invalid:
                return GatewayErrors.InvalidArgument("request", invalid.Message, "INVALID_TRAINING");
            case Farm.Training.TrainingUnavailableException unavailable:
                return GatewayErrors.Build(Code.FailedPrecondition, unavailable.Message, "TRAINING_UNAVAILABLE");
            case ModelNotFoundException missing:
                return GatewayErrors.NotFound(missing.Message, "MODEL_NOT_FOUND");
            case DeviceOverloadedException overloaded:
                return GatewayErrors.ResourceExhausted(overloaded.Message, "DEVICES_OVERLOADED");
            case FarmJobFailedException failed when failed.Status.State == JobState.Cancelled:
                return GatewayErrors.Build(Code.Cancelled, failed.Message, "JOB_CANCELLED");
            case FarmJobFailedException failed when failed.Status.DeadlinePassed || DeadlinePassed(context):
                return GatewayErrors.Build(Code.DeadlineExceeded, failed.Message, "JOB_DEADLINE");
            case FarmJobFailedException failed:
                return GatewayErrors.Build(Code.Aborted, failed.Message, "JOB_FAILED");
            case FarmVideoFailedException failed when failed.Status.State == JobState.Cancelled:
                return GatewayErrors.Build(Code.Cancelled, failed.Message, "JOB_CANCELLED");
            case FarmVideoFailedException failed:
                return GatewayErrors.Build(Code.Aborted, failed.Message, "JOB_FAILED");
            case Imaging.Video.VideoRejectedException rejected:
                return GatewayErrors.InvalidArgument("clip", rejected.Message, "VIDEO_REJECTED");
            case OperationCanceledException or TimeoutException when DeadlinePassed(context):
                return GatewayErrors.Build(Code.DeadlineExceeded, "The call's deadline passed before the work finished.", "DEADLINE");
            case OperationCanceledException:
                return GatewayErrors.Build(Code.Cancelled, "The call was cancelled.", "CANCELLED");
            case InvalidDataException:
                // The message names server paths: log it, tell the caller only what happened.
                LogFailure(logger, exception, context.Method);
                return GatewayErrors.Build(Code.FailedPrecondition, "A model file the request needs is unreadable; the operator's log names it.", "MODEL_UNREADABLE");
            // A silo killed (or restarted on its old address) fails calls with ConnectionFailedException until the
            // cluster notices, and a call that was in flight through it times out: that is the farm being
            // unreachable for a moment, not a gateway fault. Callers retry UNAVAILABLE (the CLI re-attaches by job id).
            case var _ when FarmUnreachable.Is(exception):
                LogFailure(logger, exception, context.Method);
                return GatewayErrors.Build(Code.Unavailable, "The render farm cannot be reached right now; retry shortly.", "FARM_UNAVAILABLE");
            case IOException io when DiskFull(io):
                LogFailure(logger, exception, context.Method);
                return GatewayErrors.ResourceExhausted("The server's disk is full; nothing was stored. Retry later, or ask the operator to free space.", "DISK_FULL");
            default:
                LogFailure(logger, exception, context.Method);
                return GatewayErrors.Build(Code.Internal, $"The gateway failed ({exception.GetType().Name}); the operator's log has the details.", "INTERNAL");
        }
    }

    internal static string ReasonName(ImageRejectionReason reason) => reason switch
    {
        ImageRejectionReason.Empty => "IMAGE_EMPTY",
        ImageRejectionReason.TooLarge => "IMAGE_TOO_LARGE",
        ImageRejectionReason.UnsupportedFormat => "IMAGE_UNSUPPORTED_FORMAT",
        ImageRejectionReason.InvalidDimensions => "IMAGE_INVALID_DIMENSIONS",
        ImageRejectionReason.TooManyPixels => "IMAGE_TOO_MANY_PIXELS",
        ImageRejectionReason.Truncated => "IMAGE_TRUNCATED",
        ImageRejectionReason.Corrupt => "IMAGE_CORRUPT",
        _ => "IMAGE_REJECTED",
    };

    /// <summary>ENOSPC (28) or EDQUOT (122) on Linux, ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
    internal static bool DiskFull(IOException exception) => OperatingSystem.IsWindows()
        ? (exception.HResult & 0xFFFF) is 0x70 or 0x27
        : exception.HResult is 28 or 122;

    private static bool DeadlinePassed(ServerCallContext context) => context.Deadline <= DateTime.UtcNow;

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method);
}
