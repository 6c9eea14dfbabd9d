using OrleansStyle.Farm.Client;
using OrleansStyle.Farm.Jobs;
using OrleansStyle.Farm.Pixels;
using OrleansStyle.Imaging.Quality;

namespace OrleansStyle.Farm.Tests;

public sealed class OptimizationJobTests
{
    [Fact]
    public async Task An_optimisation_job_runs_coarse_to_fine_across_workers_and_is_stylised_without_seams()
    {
        await using var farm = await FarmCluster.StartAsync(
            [FarmCluster.NoDevices, FarmCluster.Devices("cpu"), FarmCluster.Devices("cpu")]);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 2);
        var photo = FarmFixtures.Photo("dune", 192, 144);
        var painting = FarmFixtures.Painting("starry_night", 128);
        var request = new FarmRenderRequest(RenderHelpers.NewId("gatys"), photo, RenderJobSpec.OptimizationNetwork,
            [RegionSpec.Everywhere(StyleWeight.FromImage("starry_night", painting))])
        {
            Options = new RenderOptions { Method = RenderMethod.Optimize, StatisticsSize = 96, CoarseIterations = 40, RefineIterations = 15 },
        };

        var (result, status) = await RenderHelpers.RenderAsync(farm.Grains, request);

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.TilesTotal >= 4);
        var content = photo.ToPlanar();
        var style = painting.ToPlanar();
        var before = StylisationQuality.Measure(content, content, style);
        var after = StylisationQuality.Measure(result, content, style);
        Assert.True(after.Palette < before.Palette * 0.8, $"palette {before.Palette:F3} → {after.Palette:F3}");
        Assert.True(after.Structure > 0.2, $"structure {after.Structure:F3}: the photo must still be there");

        // No seams: along tile borders the picture changes no more than it does elsewhere.
        var tiling = new JobTiling(192, 144, status.TileSize, status.Overlap, 0);
        var borders = tiling.Layout.Tiles.Where(t => t.X > 0).Select(t => t.X + (status.Overlap / 2)).Distinct().ToList();
        var seam = borders.Average(x => ColumnStep(result, x));
        var elsewhere = Enumerable.Range(4, 184).Where(x => borders.All(b => Math.Abs(b - x) > 8)).Average(x => ColumnStep(result, x));
        Assert.True(seam < elsewhere * 1.5, $"mean step across tile borders {seam:F4} vs {elsewhere:F4} elsewhere");
    }

    [Fact]
    public async Task A_picture_that_fits_the_coarse_pass_is_finished_by_it_without_refinement()
    {
        await using var farm = await FarmCluster.StartAsync([FarmCluster.Devices("cpu")]);
        await PlacementTests.WaitForWorkers(CoordinatorTests.Directory(farm), 1);
        var photo = FarmFixtures.Photo("raindrops", 96, 72);
        var painting = FarmFixtures.Painting("the_scream", 96);
        var request = new FarmRenderRequest(RenderHelpers.NewId("gatys-small"), photo, RenderJobSpec.OptimizationNetwork,
            [RegionSpec.Everywhere(StyleWeight.FromImage("the_scream", painting))])
        {
            // RefineIterations would take many minutes per tile if refinement ran.
            Options = new RenderOptions { Method = RenderMethod.Optimize, TileSize = 64, CoarseIterations = 30, RefineIterations = 10_000 },
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (result, status) = await RenderHelpers.RenderAsync(farm.Grains, request, timeout.Token);

        Assert.Equal(JobState.Completed, status.State);
        Assert.True(status.TilesTotal >= 4, $"{status.TilesTotal} tiles");
        var content = photo.ToPlanar();
        var style = painting.ToPlanar();
        Assert.True(StylisationQuality.Measure(result, content, style).Palette < 0.8 * StylisationQuality.Measure(content, content, style).Palette);
    }

    private static double ColumnStep(Imaging.PlanarImage image, int x)
    {
        var total = 0.0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < image.Height; y++)
            {
                total += Math.Abs(image.Row(c, y)[x] - image.Row(c, y)[x - 1]);
            }
        }

        return total / (3 * image.Height);
    }
}
