using Microsoft.Extensions.Logging;
using OrleansStyle.Farm.Admission;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Gateway.Errors;

namespace OrleansStyle.Gateway.Limits;

/// <summary>
/// The farm-wide cap on running renders, asked of <see cref="IFarmAdmissionGrain"/> right before a job is submitted
/// (after its upload is read and checked, so nothing is admitted for a request that fails at the door). The slot
/// travels with the caller's slot: released when the call ends, or when a detached job finishes.
/// </summary>
public sealed partial class FarmRenderCap(IGrainFactory grains, ILogger<FarmRenderCap> logger)
{
    private IFarmAdmissionGrain Admission => grains.GetGrain<IFarmAdmissionGrain>(IFarmAdmissionGrain.Key);

    public async Task<IDisposable> AdmitAsync(string jobId, CancellationToken cancellationToken)
    {
        var admission = await Admission.Admit(jobId).WaitAsync(cancellationToken);
        if (!admission.Admitted)
        {
            throw GatewayErrors.ResourceExhausted(
                $"The farm is running {admission.Active} renders, the most it runs at once ({JobOptions.Section}:MaxActiveRenders): try again when one has finished.",
                "FARM_BUSY");
        }

        return new Slot(this, jobId);
    }

    private async Task ReleaseAsync(string jobId)
    {
        try
        {
            await Admission.Release(jobId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The admission grain forgets ended jobs by itself once the farm is at its cap.
            LogReleaseFailed(logger, exception, jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release job {JobId} from the farm's cap; it is forgotten once it has ended")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string jobId);

    private sealed class Slot(FarmRenderCap owner, string jobId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _ = owner.ReleaseAsync(jobId);
            }
        }
    }
}
