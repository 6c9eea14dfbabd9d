using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Training;

/// <summary>Rejects training settings a silo cannot work with, saying what to set instead.</summary>
public sealed class FarmTrainingOptionsValidator : IValidateOptions<FarmTrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, FarmTrainingOptions options)
    {
        var problems = new List<string>();
        if (options.ContentDirectory is { Length: > 0 } folder && !Directory.Exists(folder))
        {
            problems.Add($"{FarmTrainingOptions.Section}:ContentDirectory '{folder}' does not exist: point it at a folder of training photos, or leave it unset so this silo does not train.");
        }

        if (options.StepsPerSlice is < 1 or > 1000)
        {
            problems.Add($"{FarmTrainingOptions.Section}:StepsPerSlice is {options.StepsPerSlice}: use 1–1000 (a few steps keep tiles flowing between slices).");
        }

        if (options.ReportInterval <= TimeSpan.Zero)
        {
            problems.Add($"{FarmTrainingOptions.Section}:ReportInterval must be positive, e.g. 00:00:01.");
        }

        if (options.CheckpointEvery < 0)
        {
            problems.Add($"{FarmTrainingOptions.Section}:CheckpointEvery is {options.CheckpointEvery}: use 0 (no checkpoints) or the steps between checkpoints, e.g. 500.");
        }

        if (options.MaxJobsPerDevice < 1)
        {
            problems.Add($"{FarmTrainingOptions.Section}:MaxJobsPerDevice must be at least 1.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
