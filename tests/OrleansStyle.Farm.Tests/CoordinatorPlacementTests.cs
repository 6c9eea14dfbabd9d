using Microsoft.Extensions.DependencyInjection;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Training;

namespace OrleansStyle.Farm.Tests;

/// <summary>Where job coordinators land: off the device silos when the cluster has silos without devices.</summary>
public sealed class CoordinatorPlacementTests
{
    [Fact]
    public async Task Coordinators_land_on_the_silo_without_devices_whichever_silo_submits_them()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.Devices("sim:0"), FarmCluster.NoDevices, FarmCluster.Devices("sim:0")]);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var coordinatorSilo = farm.Cluster.Silos[1].SiloAddress;

        foreach (var submitter in farm.Cluster.Silos)
        {
            // Through a device silo, Orleans' prefer-local placement would have kept the job on the devices.
            var grains = submitter.ServiceProvider.GetRequiredService<IGrainFactory>();
            var render = grains.GetGrain<IRenderJobGrain>(RenderHelpers.NewId("placed"));
            await render.Submit(Spec());
            var training = grains.GetGrain<ITrainingJobGrain>(RenderHelpers.NewId("placed-training"));
            await Assert.ThrowsAnyAsync<Exception>(() => training.GetStatus()); // activates it; there is no such job yet

            Assert.Equal(coordinatorSilo, await Where(farm, render));
            Assert.Equal(coordinatorSilo, await Where(farm, training));
        }
    }

    [Fact]
    public async Task Without_a_silo_free_of_devices_a_coordinator_stays_on_the_submitting_silo()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("sim:0"), FarmCluster.Devices("sim:0")]);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);

        foreach (var submitter in farm.Cluster.Silos)
        {
            var render = submitter.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IRenderJobGrain>(RenderHelpers.NewId("local"));
            await render.Submit(Spec());

            Assert.Equal(submitter.SiloAddress, await Where(farm, render));
        }
    }

    internal static async Task<SiloAddress?> Where(FarmCluster farm, IAddressable grain) =>
        await farm.Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);

    private static RenderJobSpec Spec() =>
        new(FarmFixtures.Multi, 128, 96, [RegionSpec.Everywhere(StyleWeight.Trained("style0"))], FarmFixtures.Photo("garden", 128, 96));
}
