using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Jobs;

/// <summary>Rejects job settings coordinators cannot work with, saying what to set instead.</summary>
public sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var problems = new List<string>();
        if (options.TileSize is < 64 or > 8192)
        {
            problems.Add($"{JobOptions.Section}:TileSize is {options.TileSize}: use 64–8192 (512 for CPUs, 1024–2048 for GPUs).");
        }

        if (options.Overlap < 0 || options.Overlap * 2 > options.TileSize)
        {
            problems.Add($"{JobOptions.Section}:Overlap is {options.Overlap}: use 0 to half the tile size (32 is typical).");
        }

        if (options.ContextMargin < 0 || options.ContextMargin * 2 > options.TileSize)
        {
            problems.Add($"{JobOptions.Section}:ContextMargin is {options.ContextMargin}: use 0 to half the tile size (32 is typical).");
        }

        if (options.MaxActiveRenders < 1)
        {
            problems.Add($"{JobOptions.Section}:MaxActiveRenders is {options.MaxActiveRenders}: use at least 1 (256 is the default; size it to what the farm's devices clear in a few minutes).");
        }

        if (options.MaxPixels < 1)
        {
            problems.Add($"{JobOptions.Section}:MaxPixels must be positive.");
        }

        if (options.MaxInFlightPerWorker < 1 || options.MaxAttemptsPerTile < 1 || options.FailuresBeforeBlocking < 1 || options.MaxInFlightMegabytesPerWorker < 1)
        {
            problems.Add($"{JobOptions.Section}: MaxInFlightPerWorker, MaxInFlightMegabytesPerWorker, MaxAttemptsPerTile and FailuresBeforeBlocking must be at least 1.");
        }

        if (options.OverloadBackoff < TimeSpan.Zero)
        {
            problems.Add($"{JobOptions.Section}:OverloadBackoff must not be negative.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
