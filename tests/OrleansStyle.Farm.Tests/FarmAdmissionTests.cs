using OrleansStyle.Farm.Admission;
using OrleansStyle.Farm.Jobs;

namespace OrleansStyle.Farm.Tests;

/// <summary>The farm-wide render cap heals itself when a release never comes, and only then.</summary>
public sealed class FarmAdmissionTests
{
    [Fact]
    public async Task A_finished_job_whose_release_was_lost_stops_counting_but_a_job_still_being_planned_does_not()
    {
        await using var farm = await FarmCluster.StartAsync([o => { o.Devices = ["sim:0"]; }], j => j.MaxActiveRenders = 1);
        var admission = farm.Grains.GetGrain<IFarmAdmissionGrain>(IFarmAdmissionGrain.Key);

        // A render is admitted and runs to completion, but its gateway dies before releasing it.
        var finished = RenderHelpers.NewId("lost-release");
        Assert.True((await admission.Admit(finished)).Admitted);
        var (_, status) = await RenderHelpers.RenderAsync(
            farm.Grains, RenderHelpers.Request(finished, FarmFixtures.Photo("ladybird", 96, 64), FarmFixtures.Multi, StyleWeight.Trained("style0")));
        Assert.Equal(JobState.Completed, status.State);
        Assert.Equal(1, await admission.ActiveJobs());

        // At the cap, the next job finds the finished one and takes its place.
        var planned = RenderHelpers.NewId("planned");
        var next = await admission.Admit(planned);
        Assert.True(next.Admitted);
        Assert.Equal(1, next.Active);

        // That one has no coordinator yet (its gateway is still planning it): it keeps its slot.
        var refused = await admission.Admit(RenderHelpers.NewId("third"));
        Assert.False(refused.Admitted);
        Assert.Equal((1, 1), (refused.Active, refused.Limit));

        // Re-attaching to an admitted job is never refused, and each holder releases once.
        Assert.True((await admission.Admit(planned)).Admitted);
        await admission.Release(planned);
        Assert.Equal(1, await admission.ActiveJobs());
        await admission.Release(planned);
        Assert.Equal(0, await admission.ActiveJobs());
    }
}
