using Microsoft.Extensions.Options;

namespace OrleansStyle.Farm.Spool;

/// <summary>Rejects spool settings jobs cannot keep their pixels with, saying what to set instead.</summary>
public sealed class SpoolOptionsValidator : IValidateOptions<SpoolOptions>
{
    public ValidateOptionsResult Validate(string? name, SpoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string s = SpoolOptions.Section;
        var problems = new List<string>();
        if (options.Path is { Length: > 0 } path && path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            problems.Add($"{s}:Path '{path}' is not a usable folder path: give a folder every silo can write (in a cluster, a ReadWriteMany volume mounted at the same path).");
        }

        if (options.Retention <= TimeSpan.Zero)
        {
            problems.Add($"{s}:Retention is {options.Retention}: give how long uncollected results stay, e.g. 1.00:00:00 (a day).");
        }

        if (options.SweepInterval <= TimeSpan.Zero)
        {
            problems.Add($"{s}:SweepInterval is {options.SweepInterval}: give a positive interval, e.g. 00:10:00.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
