using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Admission;
using OrleansStyle.Farm.Placement;
using OrleansStyle.Farm.Workers;
using OrleansStyle.Gateway.Errors;
using OrleansStyle.Gateway.V1;

namespace OrleansStyle.Gateway.Services;

/// <summary>
/// orleansstyle.v1.Farm: the device workers the silos announce, each asked for its queue, and the farm's running
/// renders. Silo metadata is only visible inside a silo, so a gateway that is a cluster client answers FAILED_PRECONDITION.
/// </summary>
public sealed class FarmService(IGrainFactory grains, IServiceProvider services) : V1.Farm.FarmBase
{
    public override async Task<FarmInfo> GetFarm(GetFarmRequest request, ServerCallContext context)
    {
        var directory = services.GetService<WorkerDirectory>()
            ?? throw GatewayErrors.Build(
                Google.Rpc.Code.FailedPrecondition,
                "This gateway is a client of a cluster and cannot see its silos' devices: read the silos' metrics (or ask a gateway that hosts a silo).",
                "FARM_NOT_VISIBLE");
        var workers = directory.ActiveWorkers();
        var loads = await Task.WhenAll(workers.Select(worker => grains.GetGrain<IDeviceWorkerGrain>(worker.Key).GetLoad()));
        var info = new FarmInfo { ActiveRenders = await grains.GetGrain<IFarmAdmissionGrain>(IFarmAdmissionGrain.Key).ActiveJobs() };
        info.Devices.AddRange(workers.Zip(loads, (worker, load) => new DeviceInfo
        {
            Worker = worker.Key,
            Silo = worker.Silo,
            Device = worker.Device,
            Queued = load.Queued,
            Capacity = load.Capacity,
            TilesRendered = load.TilesRendered,
            LargestBatch = load.LargestBatch,
        }));
        return info;
    }
}
